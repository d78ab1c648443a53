using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Appliance.Core.Quotas;
using Appliance.Core.Servers;
using Appliance.Web.Faults;
using Appliance.Web.Microversions;

namespace Appliance.Web.Compute.Servers;

/// <summary>Checks a server create body against Nova's schema for the request's microversion and turns it into a NewServer.</summary>
public static class ServerCreateValidator
{
    public const int MaxUserDataLength = 65535;

    public static NewServer Validate(ServerRequests.CreateServer body, ApiVersion version, ServerLimits limits)
    {
        var name = ServerFields.Name(body.Name, "name");
        var blockDevices = BlockDeviceRequests.Parse(body.BlockDeviceMappingV2, version);
        if (body.BlockDeviceMapping.ValueKind is not JsonValueKind.Undefined and not JsonValueKind.Null)
        {
            throw ServerFields.Invalid("block_device_mapping", "the legacy block device mapping is not supported; use block_device_mapping_v2");
        }

        var imageRef = ImageRef(body.ImageRef, blockDevices);
        var minCount = Count(body.MinCount, "min_count");
        var maxCount = Count(body.MaxCount, "max_count");
        if (body.MaxCount.ValueKind == JsonValueKind.Undefined)
        {
            maxCount = minCount;
        }

        if (minCount > maxCount)
        {
            throw new FaultException(Fault.BadRequest("min_count must be <= max_count"));
        }

        if (body.Description.ValueKind != JsonValueKind.Undefined && version < ComputeMicroversions.ServerDescription)
        {
            throw new FaultException(Fault.BadRequest("Additional properties are not allowed ('description' was unexpected)"));
        }

        return new NewServer
        {
            Name = name,
            ImageRef = imageRef,
            FlavorRef = Reference(body.FlavorRef, "flavorRef") ?? throw ServerFields.Invalid("flavorRef", "must be a flavor id or URL"),
            AdminPass = ServerFields.OptionalString(body.AdminPass, "adminPass", 0, int.MaxValue),
            Metadata = ServerFields.Metadata(body.Metadata, "metadata", limits.MetadataItems),
            Networks = RequestedNetworksParser.Parse(body.Networks, version),
            DiskConfig = ServerFields.DiskConfig(body.DiskConfig) ?? "MANUAL",
            AccessIpV4 = ServerFields.Address(body.AccessIpV4, "accessIPv4", AddressFamily.InterNetwork) ?? "",
            AccessIpV6 = ServerFields.Address(body.AccessIpV6, "accessIPv6", AddressFamily.InterNetworkV6) ?? "",
            Personality = Personality(body.Personality, limits),
            AvailabilityZone = ServerFields.OptionalString(body.AvailabilityZone, "availability_zone", 1, 255),
            BlockDevices = blockDevices,
            ConfigDrive = ConfigDrive(body.ConfigDrive),
            KeyName = ServerFields.OptionalString(body.KeyName, "key_name", 1, 255),
            MinCount = minCount,
            MaxCount = maxCount,
            SecurityGroups = SecurityGroups(body.SecurityGroups),
            UserData = UserData(body.UserData),
            Description = body.Description.ValueKind == JsonValueKind.Null ? null : ServerFields.OptionalString(body.Description, "description", 0, 255),
        };
    }

    private static string? ImageRef(JsonElement value, IReadOnlyList<BlockDeviceMapping> blockDevices)
    {
        var bootsFromDevice = blockDevices.Any(d => d.BootIndex == 0);
        var reference = Reference(value, "imageRef");
        if (string.IsNullOrEmpty(reference))
        {
            return bootsFromDevice ? null : throw new FaultException(Fault.BadRequest("Missing imageRef attribute"));
        }

        if (!Guid.TryParse(reference, out _))
        {
            throw new FaultException(Fault.BadRequest("Invalid imageRef provided."));
        }

        // An image-to-local boot device is the same as imageRef; an image-to-volume one replaces it.
        return blockDevices.Any(d => d is { BootIndex: 0, DestinationType: "volume" }) ? null : reference;
    }

    /// <summary>An id or the URL of the resource (its last path segment), as Nova accepts for imageRef and flavorRef.</summary>
    private static string? Reference(JsonElement value, string field)
    {
        var text = value.ValueKind switch
        {
            JsonValueKind.Undefined or JsonValueKind.Null => null,
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number when value.TryGetInt64(out var number) => number.ToString(CultureInfo.InvariantCulture),
            _ => throw ServerFields.Invalid(field, "must be a string"),
        };
        if (text is null)
        {
            return null;
        }

        return Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? uri.AbsolutePath.TrimEnd('/').Split('/')[^1]
            : text;
    }

    private static int Count(JsonElement value, string field) => value.ValueKind switch
    {
        JsonValueKind.Undefined => 1,
        JsonValueKind.Number when value.TryGetInt32(out var count) && count >= 1 => count,
        JsonValueKind.String when int.TryParse(value.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count >= 1 => count,
        _ => throw ServerFields.Invalid(field, "must be an integer of at least 1"),
    };

    /// <summary>Files for the config drive (create, and rebuild below 2.57), within the project's injected-file quotas (403 beyond).</summary>
    public static IReadOnlyList<(string Path, byte[] Contents)> Personality(JsonElement value, ServerLimits limits)
    {
        if (value.ValueKind is JsonValueKind.Undefined)
        {
            return [];
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            throw ServerFields.Invalid("personality", "must be a list of files");
        }

        var files = new List<(string, byte[])>();
        foreach (var file in value.EnumerateArray())
        {
            if (file.ValueKind != JsonValueKind.Object || !file.TryGetProperty("path", out var path) || path.ValueKind != JsonValueKind.String
                || !file.TryGetProperty("contents", out var contents) || contents.ValueKind != JsonValueKind.String
                || file.EnumerateObject().Any(p => p.Name is not ("path" or "contents")))
            {
                throw ServerFields.Invalid("personality", "each file needs a string path and base64 contents");
            }

            var bytes = ServerFields.Base64(contents.GetString()!, "personality.contents");
            if (System.Text.Encoding.UTF8.GetByteCount(path.GetString()!) > limits.InjectedFilePathBytes)
            {
                throw new FaultException(new Fault(403, $"Personality file path exceeds maximum {limits.InjectedFilePathBytes}"));
            }

            if (bytes.Length > limits.InjectedFileContentBytes)
            {
                throw new FaultException(new Fault(403, $"Personality file content exceeds maximum {limits.InjectedFileContentBytes}"));
            }

            files.Add((path.GetString()!, bytes));
        }

        return files.Count > limits.InjectedFiles ? throw new FaultException(new Fault(403, "Personality file limit exceeded")) : files;
    }

    private static bool ConfigDrive(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Undefined or JsonValueKind.Null => false,
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.String => value.GetString()!.ToLowerInvariant() switch
        {
            "true" or "1" or "yes" or "on" or "y" or "t" => true,
            "false" or "0" or "no" or "off" or "n" or "f" or "" => false,
            _ => throw ServerFields.Invalid("config_drive", "must be a boolean"),
        },
        _ => throw ServerFields.Invalid("config_drive", "must be a boolean"),
    };

    private static IReadOnlyList<string> SecurityGroups(JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Undefined)
        {
            return ["default"];
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            throw ServerFields.Invalid("security_groups", "must be a list of {\"name\": ...}");
        }

        var names = new List<string>();
        foreach (var group in value.EnumerateArray())
        {
            if (group.ValueKind != JsonValueKind.Object || !group.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String
                || name.GetString()!.Trim().Length == 0)
            {
                throw ServerFields.Invalid("security_groups", "each group needs a name");
            }

            names.Add(name.GetString()!.Trim());
        }

        return names.Distinct(StringComparer.Ordinal).ToList();
    }

    private static string? UserData(JsonElement value)
    {
        if (value.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            throw ServerFields.Invalid("user_data", "must be a base64 string");
        }

        var text = value.GetString()!;
        if (text.Length > MaxUserDataLength)
        {
            throw ServerFields.Invalid("user_data", $"is longer than {MaxUserDataLength} characters");
        }

        ServerFields.Base64(text, "user_data");
        return text;
    }
}

/// <summary>The per-project limits a create is checked against before anything is written.</summary>
public sealed record ServerLimits(int MetadataItems, int InjectedFiles, int InjectedFileContentBytes, int InjectedFilePathBytes)
{
    /// <summary>The project's quota values; -1 (unlimited) becomes a bound no request reaches.</summary>
    public static ServerLimits From(QuotaLimits quota) => new(
        Bound(quota.MetadataItems), Bound(quota.InjectedFiles), Bound(quota.InjectedFileContentBytes), Bound(quota.InjectedFilePathBytes));

    private static int Bound(int limit) => limit < 0 ? int.MaxValue : limit;
}
