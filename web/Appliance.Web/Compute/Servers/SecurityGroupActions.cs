using System.Text.Json;
using Appliance.Core.Networks;
using Appliance.Web.Faults;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection;

namespace Appliance.Web.Compute.Servers;

/// <summary>
/// {"addSecurityGroup": {"name": ...}} and {"removeSecurityGroup": {"name": ...}}: 202 with no body once every port of
/// the server is in (or out of) the group, a name or id of the server's project; Nova's 400 without a name, 404 for a group
/// the project lacks or (remove) the server is not in.
/// </summary>
public static class SecurityGroupActions
{
    public static async Task<Accepted> AddAsync(ServerActionRequest request)
    {
        var name = GroupName(request.Arguments);
        var services = request.Services;
        await Groups(services).AddAsync(services.Caller, request.ServerId, name, services.Aborted);
        return TypedResults.Accepted((string?)null);
    }

    public static async Task<Accepted> RemoveAsync(ServerActionRequest request)
    {
        var name = GroupName(request.Arguments);
        var services = request.Services;
        await Groups(services).RemoveAsync(services.Caller, request.ServerId, name, services.Aborted);
        return TypedResults.Accepted((string?)null);
    }

    // The action registry hands every action the same bundle; this one service comes from the request's container.
    private static ServerSecurityGroups Groups(ServerRequestServices services) => services.Http.RequestServices.GetRequiredService<ServerSecurityGroups>();

    private static string GroupName(JsonElement arguments)
    {
        if (arguments.ValueKind != JsonValueKind.Object || !arguments.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String)
        {
            throw new FaultException(Fault.BadRequest("Missing parameter dict"));
        }

        var text = name.GetString()!;
        return text.Trim().Length == 0 ? throw new FaultException(Fault.BadRequest("Security group name cannot be empty")) : text;
    }
}
