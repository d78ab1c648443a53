using Appliance.Core.Servers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Appliance.Web.Compute.Servers;

/// <summary>One server action call: the request, the server id from the URL, and the value under the action's name.</summary>
public sealed record ServerActionRequest(HttpContext Context, string ServerId, JsonElement Arguments);

/// <summary>Runs one action; checks its own arguments, microversion and policy, and returns the whole answer.</summary>
public delegate Task<IResult> ServerActionHandler(ServerActionRequest request);

/// <summary>The server actions POST /servers/{id}/action knows, by the body key Nova gives each; a new action is one line here.</summary>
public static class ServerActionRegistry
{
    public static readonly IReadOnlyDictionary<string, ServerActionHandler> Handlers = new Dictionary<string, ServerActionHandler>(StringComparer.Ordinal)
    {
        ["os-getConsoleOutput"] = ConsoleOutputAction.InvokeAsync,
        ["trigger_crash_dump"] = CrashDumpAction.InvokeAsync,
        ["os-stop"] = PowerActions.For(PowerAction.Stop),
        ["os-start"] = PowerActions.For(PowerAction.Start),
        ["pause"] = PowerActions.For(PowerAction.Pause),
        ["unpause"] = PowerActions.For(PowerAction.Unpause),
        ["suspend"] = PowerActions.For(PowerAction.Suspend),
        ["resume"] = PowerActions.For(PowerAction.Resume),
        ["reboot"] = PowerActions.RebootAsync,
        ["lock"] = LockActions.LockAsync,
        ["unlock"] = LockActions.UnlockAsync,
        ["createImage"] = CreateImageAction.InvokeAsync,
        ["changePassword"] = ChangePasswordAction.InvokeAsync,
        ["rebuild"] = RebuildAction.InvokeAsync,
        ["resize"] = ResizeActions.ResizeAsync,
        ["confirmResize"] = ResizeActions.ConfirmAsync,
        ["revertResize"] = ResizeActions.RevertAsync,
    };
}
