using Appliance.Core.Servers;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Appliance.Web.Compute.Servers;

/// <summary>{"lock": null} and {"unlock": null}: 202 with no body (locked_reason is 2.73, beyond the advertised maximum).</summary>
public static class LockActions
{
    public static async Task<Accepted> LockAsync(ServerActionRequest request)
    {
        var services = request.Services;
        await services.Locks.LockAsync(services.Caller, services.Operation, request.ServerId, services.Aborted);
        return TypedResults.Accepted((string?)null);
    }

    public static async Task<Accepted> UnlockAsync(ServerActionRequest request)
    {
        var services = request.Services;
        await services.Locks.UnlockAsync(services.Caller, services.Operation, request.ServerId, services.Aborted);
        return TypedResults.Accepted((string?)null);
    }
}
