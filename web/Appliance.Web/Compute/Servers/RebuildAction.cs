using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Appliance.Core.Quotas;
using Appliance.Core.Servers;
using Appliance.Web.Faults;
using Appliance.Web.Microversions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Appliance.Web.Compute.Servers;

/// <summary>
/// {"rebuild": {"imageRef": ..., "name", "adminPass", "metadata", "personality", "accessIPv4", "accessIPv6",
/// "OS-DCF:diskConfig", "preserve_ephemeral", "description" (2.19)}}: 202 with Nova's rebuild view of the server (REBUILD),
/// its admin password and a Location header.
/// </summary>
public static class RebuildAction
{
    /// <summary>Rebuild's answer: Nova's rebuild view of the server.</summary>
    public sealed record Rebuilt([property: JsonPropertyName("server")] JsonObject Server);

    public static async Task<Accepted<Rebuilt>> InvokeAsync(ServerActionRequest request)
    {
        var services = request.Services;
        var caller = services.Caller;
        var limits = ServerLimits.From(await services.Quotas.GetLimitsAsync(caller.ProjectId, services.Aborted));
        var rebuild = Parse(request.Arguments, services.Version, limits);
        var rebuilt = await services.Rebuilds.RebuildAsync(caller, services.Operation, request.ServerId, rebuild, services.Aborted);

        var detail = await services.Servers.DetailAsync(rebuilt.Server, services.Aborted);
        var uuid = rebuilt.Server.Uuid;
        var server = new ServerView(services.Request, caller.IsAdmin).Rebuilt(rebuilt.Server, detail);
        if (services.Options.Servers.EnableInstancePassword)
        {
            server["adminPass"] = rebuilt.AdminPass;
        }

        return TypedResults.Accepted(ComputeLinks.Self(services.Request, "servers", uuid), new Rebuilt(server));
    }

    /// <summary>Nova's rebuild schema for the version: imageRef required, nothing but the known fields, description from 2.19.</summary>
    public static RebuildRequest Parse(JsonElement arguments, ApiVersion version, ServerLimits limits)
    {
        if (arguments.ValueKind != JsonValueKind.Object)
        {
            throw ServerFields.Invalid("rebuild", "must be an object");
        }

        var fields = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var property in arguments.EnumerateObject())
        {
            var known = property.Name is "imageRef" or "name" or "adminPass" or "metadata" or "preserve_ephemeral" or "OS-DCF:diskConfig"
                or "accessIPv4" or "accessIPv6" or "personality"
                || (property.Name == "description" && version >= ComputeMicroversions.ServerDescription);
            if (!known)
            {
                throw new FaultException(Fault.BadRequest($"Additional properties are not allowed ('{property.Name}' was unexpected)"));
            }

            fields[property.Name] = property.Value;
        }

        JsonElement Field(string name) => fields.GetValueOrDefault(name);
        var description = Field("description");
        return new RebuildRequest
        {
            ImageRef = ImageRef(Field("imageRef")),
            Name = Field("name").ValueKind == JsonValueKind.Undefined ? null : ServerFields.Name(Field("name"), "name"),
            AdminPass = ServerFields.OptionalString(Field("adminPass"), "adminPass", 0, int.MaxValue),
            Metadata = Field("metadata").ValueKind == JsonValueKind.Undefined ? null : ServerFields.Metadata(Field("metadata"), "metadata", limits.MetadataItems),
            Personality = ServerCreateValidator.Personality(Field("personality"), limits),
            AccessIpV4 = Field("accessIPv4").ValueKind == JsonValueKind.Null
                ? throw ServerFields.Invalid("accessIPv4", "must be an IPv4 address")
                : ServerFields.Address(Field("accessIPv4"), "accessIPv4", AddressFamily.InterNetwork),
            AccessIpV6 = Field("accessIPv6").ValueKind == JsonValueKind.Null
                ? throw ServerFields.Invalid("accessIPv6", "must be an IPv6 address")
                : ServerFields.Address(Field("accessIPv6"), "accessIPv6", AddressFamily.InterNetworkV6),
            DiskConfig = ServerFields.DiskConfig(Field("OS-DCF:diskConfig")),
            PreserveEphemeral = Boolean(Field("preserve_ephemeral"), "preserve_ephemeral"),
            SetsDescription = description.ValueKind != JsonValueKind.Undefined,
            Description = description.ValueKind == JsonValueKind.Null ? null : ServerFields.OptionalString(description, "description", 0, 255),
        };
    }

    /// <summary>Rebuild's imageRef is a bare image UUID (no URL, unlike create's).</summary>
    private static string ImageRef(JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Undefined)
        {
            throw new FaultException(Fault.BadRequest("'imageRef' is a required property"));
        }

        return value.ValueKind == JsonValueKind.String && Guid.TryParse(value.GetString(), out _)
            ? value.GetString()!
            : throw ServerFields.Invalid("imageRef", "must be an image UUID");
    }

    /// <summary>Nova's boolean parameter: true or false, or one of its spellings of them as a string.</summary>
    private static bool Boolean(JsonElement value, string field) => value.ValueKind switch
    {
        JsonValueKind.Undefined or JsonValueKind.False => false,
        JsonValueKind.True => true,
        JsonValueKind.String => value.GetString() switch
        {
            "True" or "TRUE" or "true" or "1" or "ON" or "On" or "on" or "YES" or "Yes" or "yes" => true,
            "False" or "FALSE" or "false" or "0" or "OFF" or "Off" or "off" or "NO" or "No" or "no" => false,
            _ => throw ServerFields.Invalid(field, "must be a boolean"),
        },
        _ => throw ServerFields.Invalid(field, "must be a boolean"),
    };
}
