using Appliance.Web.Faults;
using Appliance.Web.Microversions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Appliance.Web.Compute;

/// <summary>Resources that a microversion added: below it (and on the legacy v2 routes) they answer 404, as in Nova.</summary>
public static class ComputeApiAvailability
{
    public static RouteGroupBuilder AvailableFrom(this RouteGroupBuilder group, ApiVersion added)
    {
        group.AddEndpointFilter(async (context, next) =>
            context.HttpContext.ComputeVersion() < added
                ? throw new FaultException(Fault.NotFound())
                : await next(context));
        return group;
    }
}
