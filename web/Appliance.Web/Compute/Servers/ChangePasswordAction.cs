using System.Text.Json;
using Appliance.Core.Servers;
using Appliance.Web.Faults;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Appliance.Web.Compute.Servers;

/// <summary>{"changePassword": {"adminPass": "..."}}: 202 once the guest agent has set it; 409 when the guest has no agent.</summary>
public static class ChangePasswordAction
{
    public static async Task<Accepted> InvokeAsync(ServerActionRequest request)
    {
        var arguments = request.Arguments;
        var password = ServerFields.OnlyMember(arguments, "changePassword", "adminPass");

        if (password.ValueKind == JsonValueKind.Undefined)
        {
            throw new FaultException(Fault.BadRequest("'adminPass' is a required property"));
        }

        if (password.ValueKind != JsonValueKind.String)
        {
            throw ServerFields.Invalid("changePassword/adminPass", "must be a string");
        }

        var services = request.Services;
        await services.Passwords.ChangeAsync(services.Caller, services.Operation, request.ServerId, password.GetString()!, services.Aborted);
        return TypedResults.Accepted((string?)null);
    }
}
