using Appliance.Web.Faults;
using Appliance.Web.Microversions;
using Appliance.Web.Pipeline;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Appliance.Web.Compute;

/// <summary>
/// Route groups for a compute resource under each API version: /v2.1 is microversioned, /v2 and its alias
/// /v1.1 are the legacy API. A resource removed at some microversion answers 404 from that version on.
/// </summary>
public static class ComputeApiGroups
{
    public static readonly string[] Versions = ["v2.1", "v2", "v1.1"];

    public static RouteGroupBuilder Group(IEndpointRouteBuilder routes, string version, string path, ApiVersion? removedAt = null)
    {
        var group = routes.MapGroup($"/{version}{path}").WithMetadata(JsonOnlyEndpoint.Instance);
        if (version == "v2.1")
        {
            group.WithMetadata(MicroversionedEndpoint.Instance);
        }

        if (removedAt is { } removed)
        {
            group.AddEndpointFilter(async (context, next) =>
                context.HttpContext.ComputeVersion() >= removed
                    ? throw new FaultException(Fault.NotFound())
                    : await next(context));
        }

        return group;
    }
}
