using System.Text.Json;
using Appliance.Core.Servers;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Appliance.Web.Compute.Servers;

/// <summary>One server action call: the request's services, the server id from the URL, and the value under the action's name.</summary>
public sealed record ServerActionRequest(ServerRequestServices Services, string ServerId, JsonElement Arguments);

/// <summary>
/// Runs one action; checks its own arguments, microversion and policy, and returns one of the answers any action may give:
/// 202 with no body (a Location for createImage before 2.45), 204 (confirmResize), 200 with the console output,
/// 202 with the rebuilt server, or 202 with the snapshot's image id (createImage from 2.45).
/// </summary>
public delegate Task<Results<Accepted, NoContent, Ok<ConsoleOutputAction.Output>, Accepted<RebuildAction.Rebuilt>, Accepted<CreateImageAction.ImageId>>>
    ServerActionHandler(ServerActionRequest request);

/// <summary>The server actions POST /servers/{id}/action knows, by the body key Nova gives each; a new action is one line here.</summary>
public static class ServerActionRegistry
{
    public static readonly IReadOnlyDictionary<string, ServerActionHandler> Handlers = new Dictionary<string, ServerActionHandler>(StringComparer.Ordinal)
    {
        ["os-getConsoleOutput"] = async request => await ConsoleOutputAction.InvokeAsync(request),
        ["trigger_crash_dump"] = async request => await CrashDumpAction.InvokeAsync(request),
        ["os-stop"] = PowerActions.For(PowerAction.Stop),
        ["os-start"] = PowerActions.For(PowerAction.Start),
        ["pause"] = PowerActions.For(PowerAction.Pause),
        ["unpause"] = PowerActions.For(PowerAction.Unpause),
        ["suspend"] = PowerActions.For(PowerAction.Suspend),
        ["resume"] = PowerActions.For(PowerAction.Resume),
        ["reboot"] = async request => await PowerActions.RebootAsync(request),
        ["lock"] = async request => await LockActions.LockAsync(request),
        ["unlock"] = async request => await LockActions.UnlockAsync(request),
        ["createImage"] = async request => (await CreateImageAction.InvokeAsync(request)).Result switch
        {
            Accepted<CreateImageAction.ImageId> withImageId => withImageId,
            var located => (Accepted)located,
        },
        ["changePassword"] = async request => await ChangePasswordAction.InvokeAsync(request),
        ["rebuild"] = async request => await RebuildAction.InvokeAsync(request),
        ["resize"] = async request => await ResizeActions.ResizeAsync(request),
        ["confirmResize"] = async request => await ResizeActions.ConfirmAsync(request),
        ["revertResize"] = async request => await ResizeActions.RevertAsync(request),
        ["addSecurityGroup"] = async request => await SecurityGroupActions.AddAsync(request),
        ["removeSecurityGroup"] = async request => await SecurityGroupActions.RemoveAsync(request),
    };
}
