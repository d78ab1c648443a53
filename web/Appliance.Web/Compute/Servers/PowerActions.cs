using System.Text.Json;
using Appliance.Core.Servers;
using Appliance.Web.Faults;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Appliance.Web.Compute.Servers;

/// <summary>
/// os-stop, os-start, pause, unpause, suspend, resume ({"pause": null}; as Nova, the value is not checked) and reboot
/// ({"reboot": {"type": "SOFT" | "HARD"}}): all 202 with no body, the work runs in the background.
/// </summary>
public static class PowerActions
{
    public static ServerActionHandler For(PowerAction action) => async request => await RunAsync(request, action);

    public static Task<Accepted> RebootAsync(ServerActionRequest request) => RunAsync(request, RebootKind(request.Arguments));

    private static async Task<Accepted> RunAsync(ServerActionRequest request, PowerAction action)
    {
        var services = request.Services;
        await services.Power.RunAsync(services.Caller, services.Operation, request.ServerId, action, services.Aborted);
        return TypedResults.Accepted((string?)null);
    }

    private static PowerAction RebootKind(JsonElement arguments)
    {
        var type = ServerFields.OnlyMember(arguments, "reboot", "type");

        if (type.ValueKind == JsonValueKind.Undefined)
        {
            throw new FaultException(Fault.BadRequest("'type' is a required property"));
        }

        // Nova's schema takes the kind in upper, title or lower case.
        return type.ValueKind == JsonValueKind.String ? type.GetString() switch
        {
            "SOFT" or "Soft" or "soft" => PowerAction.RebootSoft,
            "HARD" or "Hard" or "hard" => PowerAction.RebootHard,
            _ => throw ServerFields.Invalid("reboot/type", "must be one of SOFT, HARD"),
        } : throw ServerFields.Invalid("reboot/type", "must be one of SOFT, HARD");
    }
}
