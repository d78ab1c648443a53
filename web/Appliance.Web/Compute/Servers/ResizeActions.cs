using System.Globalization;
using System.Text.Json;
using Appliance.Core.Servers;
using Appliance.Web.Faults;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Appliance.Web.Compute.Servers;

/// <summary>
/// {"resize": {"flavorRef": ..., "OS-DCF:diskConfig": ...}} (202), {"confirmResize": null} (204, once confirmed) and
/// {"revertResize": null} (202). As Nova, the value of confirmResize and revertResize is not checked.
/// </summary>
public static class ResizeActions
{
    public static async Task<IResult> ResizeAsync(ServerActionRequest request)
    {
        var (flavorRef, diskConfig) = Parse(request.Arguments);
        var (service, caller, operation) = Resolve(request.Context);
        await service.ResizeAsync(caller, operation, request.ServerId, flavorRef, diskConfig, request.Context.RequestAborted);
        return TypedResults.StatusCode(StatusCodes.Status202Accepted);
    }

    public static async Task<IResult> ConfirmAsync(ServerActionRequest request)
    {
        var (service, caller, operation) = Resolve(request.Context);
        await service.ConfirmAsync(caller, operation, request.ServerId, request.Context.RequestAborted);
        return TypedResults.NoContent();
    }

    public static async Task<IResult> RevertAsync(ServerActionRequest request)
    {
        var (service, caller, operation) = Resolve(request.Context);
        await service.RevertAsync(caller, operation, request.ServerId, request.Context.RequestAborted);
        return TypedResults.StatusCode(StatusCodes.Status202Accepted);
    }

    /// <summary>Nova's resize schema: flavorRef (a non-empty string or an integer, taken as it is) and an optional diskConfig.</summary>
    public static (string FlavorRef, string? DiskConfig) Parse(JsonElement arguments)
    {
        if (arguments.ValueKind != JsonValueKind.Object)
        {
            throw ServerFields.Invalid("resize", "must be an object");
        }

        JsonElement flavorRef = default, diskConfig = default;
        foreach (var property in arguments.EnumerateObject())
        {
            switch (property.Name)
            {
                case "flavorRef": flavorRef = property.Value; break;
                case "OS-DCF:diskConfig": diskConfig = property.Value; break;
                default: throw new FaultException(Fault.BadRequest($"Additional properties are not allowed ('{property.Name}' was unexpected)"));
            }
        }

        var flavor = flavorRef.ValueKind switch
        {
            JsonValueKind.Undefined => throw new FaultException(Fault.BadRequest("'flavorRef' is a required property")),
            JsonValueKind.String when flavorRef.GetString()!.Length > 0 => flavorRef.GetString()!,
            JsonValueKind.Number when flavorRef.TryGetInt64(out var number) => number.ToString(CultureInfo.InvariantCulture),
            _ => throw ServerFields.Invalid("flavorRef", "must be a flavor id"),
        };
        return (flavor, ServerFields.DiskConfig(diskConfig));
    }

    private static (ServerResizeService Service, ServerCaller Caller, OperationContext Operation) Resolve(HttpContext context)
    {
        var caller = ServerCaller.From(context.Caller());
        return (context.RequestServices.GetRequiredService<ServerResizeService>(), caller, ServersApi.Operation(context, caller));
    }
}
