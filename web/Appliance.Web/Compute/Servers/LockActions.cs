using Appliance.Core.Servers;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Appliance.Web.Compute.Servers;

/// <summary>{"lock": null} and {"unlock": null}: 202 with no body (locked_reason is 2.73, beyond the advertised maximum).</summary>
public static class LockActions
{
    public static async Task<IResult> LockAsync(ServerActionRequest request)
    {
        var (service, caller, operation) = Resolve(request.Context);
        await service.LockAsync(caller, operation, request.ServerId, request.Context.RequestAborted);
        return TypedResults.StatusCode(StatusCodes.Status202Accepted);
    }

    public static async Task<IResult> UnlockAsync(ServerActionRequest request)
    {
        var (service, caller, operation) = Resolve(request.Context);
        await service.UnlockAsync(caller, operation, request.ServerId, request.Context.RequestAborted);
        return TypedResults.StatusCode(StatusCodes.Status202Accepted);
    }

    private static (ServerLockService Service, ServerCaller Caller, OperationContext Operation) Resolve(HttpContext context)
    {
        var caller = ServerCaller.From(context.Caller());
        return (context.RequestServices.GetRequiredService<ServerLockService>(), caller, ServersApi.Operation(context, caller));
    }
}
