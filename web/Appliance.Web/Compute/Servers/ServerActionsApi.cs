using System.Text.Json;
using Appliance.Web.Faults;
using Appliance.Web.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Appliance.Web.Compute.Servers;

/// <summary>
/// POST /servers/{id}/action: the body's one key names the action, its value is the action's arguments; the handler
/// comes from <see cref="ServerActionRegistry"/>. As in Nova, the action is chosen before the server is looked up.
/// </summary>
public static class ServerActionsApi
{
    public static IEndpointRouteBuilder MapServerActionsApi(this IEndpointRouteBuilder routes)
    {
        foreach (var version in ComputeApiGroups.Versions)
        {
            ComputeApiGroups.Group(routes, version, "/servers/{id}/action").MapPost("", Dispatch);
        }

        return routes;
    }

    private static Task<Results<Accepted, NoContent, Ok<ConsoleOutputAction.Output>, Accepted<RebuildAction.Rebuilt>, Accepted<CreateImageAction.ImageId>>> Dispatch(
        string id, JsonBody<Dictionary<string, JsonElement>> body, [AsParameters] ServerRequestServices services)
    {
        if (body.Value.Count != 1)
        {
            throw new FaultException(Fault.BadRequest(Fault.MalformedBodyMessage));
        }

        var (name, arguments) = body.Value.First();
        return ServerActionRegistry.Handlers.TryGetValue(name, out var handler)
            ? handler(new ServerActionRequest(services, id, arguments))
            : throw new FaultException(Fault.BadRequest($"There is no such action: {name}"));
    }
}
