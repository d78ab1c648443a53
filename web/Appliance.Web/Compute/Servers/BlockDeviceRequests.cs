using System.Globalization;
using System.Text.Json;
using Appliance.Core.Servers;
using Appliance.Web.Faults;
using Appliance.Web.Microversions;

namespace Appliance.Web.Compute.Servers;

/// <summary>
/// block_device_mapping_v2 as far as a box without a volume service can honour it: the image as the local
/// root, a volume made from an image (boot from volume), and blank volumes. Existing volumes and snapshots
/// are unknown here and refused as Nova refuses a missing volume.
/// </summary>
public static class BlockDeviceRequests
{
    private static readonly HashSet<string> Fields = new(StringComparer.Ordinal)
    {
        "boot_index", "uuid", "source_type", "destination_type", "volume_size", "delete_on_termination", "device_name",
        "guest_format", "disk_bus", "device_type", "no_device", "volume_id", "snapshot_id", "image_id",
    };

    public static IReadOnlyList<BlockDeviceMapping> Parse(JsonElement value, ApiVersion version)
    {
        if (value.ValueKind is JsonValueKind.Undefined)
        {
            return [];
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            throw ServerFields.Invalid("block_device_mapping_v2", "must be a list of block devices");
        }

        var mappings = new List<BlockDeviceMapping>();
        foreach (var device in value.EnumerateArray())
        {
            if (device.ValueKind != JsonValueKind.Object)
            {
                throw ServerFields.Invalid("block_device_mapping_v2", "must be a list of objects");
            }

            foreach (var property in device.EnumerateObject())
            {
                if (!Fields.Contains(property.Name) && !(property.Name == "tag" && TagsAllowed(version)))
                {
                    throw new FaultException(Fault.BadRequest($"Additional properties are not allowed ('{property.Name}' was unexpected)"));
                }
            }

            mappings.Add(One(device));
        }

        if (mappings.Count(m => m.BootIndex == 0) > 1)
        {
            throw new FaultException(Fault.BadRequest("Boot sequence for the instance and image/block device mapping combination is not valid."));
        }

        return mappings;
    }

    /// <summary>2.32 and 2.42 on: Nova's schemas between them (2.33 - 2.41) lost the tag by mistake.</summary>
    private static bool TagsAllowed(ApiVersion version) =>
        version >= ComputeMicroversions.NetworkDeviceTagsRestored
        || (version >= ComputeMicroversions.DeviceTags && version < ComputeMicroversions.BlockDeviceTagsDropped);

    private static BlockDeviceMapping One(JsonElement device)
    {
        var source = Text(device, "source_type") ?? throw new FaultException(Fault.BadRequest("Block Device Mapping is Invalid: source_type is required."));
        var destination = Text(device, "destination_type") ?? "volume";
        var uuid = Text(device, "uuid");
        var bootIndex = BootIndex(device);
        var size = Size(device);
        switch (source, destination)
        {
            case ("image", "local") when bootIndex == 0 && uuid is not null:
            case ("image", "volume") when uuid is not null:
                if (!Guid.TryParse(uuid, out _))
                {
                    throw new FaultException(Fault.BadRequest($"Image {uuid} could not be found."));
                }

                break;
            case ("blank", "volume"):
                if (size is null or < 1)
                {
                    throw new FaultException(Fault.BadRequest("Block Device Mapping is Invalid: a blank volume needs volume_size."));
                }

                break;
            case ("volume" or "snapshot", _):
                throw new FaultException(Fault.BadRequest($"{(source == "volume" ? "Volume" : "Snapshot")} {uuid} could not be found."));
            default:
                throw new FaultException(Fault.BadRequest($"Block Device Mapping is Invalid: {source} to {destination} is not supported."));
        }

        return new BlockDeviceMapping
        {
            BootIndex = bootIndex,
            SourceType = source,
            DestinationType = destination,
            ImageId = source == "image" ? uuid : null,
            VolumeSize = size,
            DeviceName = Text(device, "device_name"),
            Tag = Text(device, "tag"),
            DeleteOnTermination = device.TryGetProperty("delete_on_termination", out var delete) && delete.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.String => delete.GetString()!.ToLowerInvariant() is "true" or "1" or "yes",
                _ => false,
            },
        };
    }

    private static string? Text(JsonElement device, string name) =>
        device.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static int? BootIndex(JsonElement device)
    {
        if (!device.TryGetProperty("boot_index", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.Number when value.TryGetInt32(out var index) => index,
            JsonValueKind.String when int.TryParse(value.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var index) => index,
            _ => throw ServerFields.Invalid("boot_index", "must be an integer"),
        };
    }

    private static int? Size(JsonElement device)
    {
        if (!device.TryGetProperty("volume_size", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.Number when value.TryGetInt32(out var size) && size >= 0 => size,
            JsonValueKind.String when int.TryParse(value.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var size) => size,
            _ => throw ServerFields.Invalid("volume_size", "must be a non-negative integer"),
        };
    }
}
