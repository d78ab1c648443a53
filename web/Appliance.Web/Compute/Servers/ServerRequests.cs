using System.Text.Json;
using System.Text.Json.Serialization;

namespace Appliance.Web.Compute.Servers;

/// <summary>Server request bodies with Nova's field names; loosely typed fields are JsonElement and checked in ServerCreateValidator.</summary>
public static class ServerRequests
{
    public sealed record CreateBody(
        [property: JsonPropertyName("server")] CreateServer Server,
        [property: JsonPropertyName("os:scheduler_hints")] JsonElement SchedulerHints = default,
        [property: JsonPropertyName("OS-SCH-HNT:scheduler_hints")] JsonElement LegacySchedulerHints = default);

    public sealed record CreateServer(
        [property: JsonPropertyName("name")] JsonElement Name,
        [property: JsonPropertyName("flavorRef")] JsonElement FlavorRef,
        [property: JsonPropertyName("imageRef")] JsonElement ImageRef = default,
        [property: JsonPropertyName("adminPass")] JsonElement AdminPass = default,
        [property: JsonPropertyName("metadata")] JsonElement Metadata = default,
        [property: JsonPropertyName("networks")] JsonElement Networks = default,
        [property: JsonPropertyName("OS-DCF:diskConfig")] JsonElement DiskConfig = default,
        [property: JsonPropertyName("accessIPv4")] JsonElement AccessIpV4 = default,
        [property: JsonPropertyName("accessIPv6")] JsonElement AccessIpV6 = default,
        [property: JsonPropertyName("personality")] JsonElement Personality = default,
        [property: JsonPropertyName("availability_zone")] JsonElement AvailabilityZone = default,
        [property: JsonPropertyName("block_device_mapping")] JsonElement BlockDeviceMapping = default,
        [property: JsonPropertyName("block_device_mapping_v2")] JsonElement BlockDeviceMappingV2 = default,
        [property: JsonPropertyName("config_drive")] JsonElement ConfigDrive = default,
        [property: JsonPropertyName("key_name")] JsonElement KeyName = default,
        [property: JsonPropertyName("min_count")] JsonElement MinCount = default,
        [property: JsonPropertyName("max_count")] JsonElement MaxCount = default,
        [property: JsonPropertyName("return_reservation_id")] JsonElement ReturnReservationId = default,
        [property: JsonPropertyName("security_groups")] JsonElement SecurityGroups = default,
        [property: JsonPropertyName("user_data")] JsonElement UserData = default,
        [property: JsonPropertyName("description")] JsonElement Description = default);

    public sealed record UpdateBody([property: JsonPropertyName("server")] UpdateServer Server);

    public sealed record UpdateServer(
        [property: JsonPropertyName("name")] JsonElement Name = default,
        [property: JsonPropertyName("accessIPv4")] JsonElement AccessIpV4 = default,
        [property: JsonPropertyName("accessIPv6")] JsonElement AccessIpV6 = default,
        [property: JsonPropertyName("OS-DCF:diskConfig")] JsonElement DiskConfig = default,
        [property: JsonPropertyName("description")] JsonElement Description = default);
}
