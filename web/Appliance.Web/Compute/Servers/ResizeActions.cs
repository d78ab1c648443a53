using System.Globalization;
using System.Text.Json;
using Appliance.Core.Servers;
using Appliance.Web.Faults;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Appliance.Web.Compute.Servers;

/// <summary>
/// {"resize": {"flavorRef": ..., "OS-DCF:diskConfig": ...}} (202), {"confirmResize": null} (204, once confirmed) and
/// {"revertResize": null} (202). As Nova, the value of confirmResize and revertResize is not checked.
/// </summary>
public static class ResizeActions
{
    public static async Task<Accepted> ResizeAsync(ServerActionRequest request)
    {
        var (flavorRef, diskConfig) = Parse(request.Arguments);
        var services = request.Services;
        await services.Resizes.ResizeAsync(services.Caller, services.Operation, request.ServerId, flavorRef, diskConfig, services.Aborted);
        return TypedResults.Accepted((string?)null);
    }

    public static async Task<NoContent> ConfirmAsync(ServerActionRequest request)
    {
        var services = request.Services;
        await services.Resizes.ConfirmAsync(services.Caller, services.Operation, request.ServerId, services.Aborted);
        return TypedResults.NoContent();
    }

    public static async Task<Accepted> RevertAsync(ServerActionRequest request)
    {
        var services = request.Services;
        await services.Resizes.RevertAsync(services.Caller, services.Operation, request.ServerId, services.Aborted);
        return TypedResults.Accepted((string?)null);
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
}
