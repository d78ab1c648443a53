using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Appliance.Core.Caching;
using Appliance.Core.Networks;
using Appliance.Core.Servers;
using Appliance.Web.Microversions;
using Microsoft.AspNetCore.Http;

namespace Appliance.Web.Compute.Servers;

/// <summary>Nova's server views for the request's microversion: basic (id, links, name) and the full detail.</summary>
public sealed class ServerView(HttpRequest request, bool isAdmin)
{
    /// <summary>Nova shows progress only while it means something.</summary>
    private static readonly HashSet<string> ProgressStatuses = new(StringComparer.Ordinal) { "ACTIVE", "BUILD", "REBUILD", "RESIZE", "VERIFY_RESIZE", "MIGRATING" };

    private readonly ApiVersion _version = request.HttpContext.ComputeVersion();
    private readonly string _selfPrefix = ComputeLinks.SelfPrefix(request);
    private readonly string _bookmarkPrefix = ComputeLinks.BookmarkPrefix(request);

    public Dictionary<string, object?> Basic(ServerRecord server) => new()
    {
        ["id"] = server.Uuid,
        ["links"] = Links(server.Uuid),
        ["name"] = server.Name,
    };

    /// <summary>The full view, written straight to the response by its converter: lists hold a thousand of these.</summary>
    public ServerDetailJson Detail(ServerRecord server, IReadOnlyDictionary<string, string>? metadata, IReadOnlyList<string>? tags,
        IReadOnlyList<BlockDeviceMapping>? volumes = null, IReadOnlyList<ServerAddress>? addresses = null) => new(this, server, metadata, tags, volumes, addresses);

    /// <summary>The full view of a server read with everything beside its row.</summary>
    public ServerDetailJson Detail(ServerDetail detail) => Detail(detail.Server, detail.Metadata, detail.Tags, detail.BlockDevices, detail.Addresses);

    /// <summary>Writes Nova's full server view as one JSON object, plus any extra members (e.g. rebuild's adminPass).</summary>
    public void WriteDetail(Utf8JsonWriter writer, ServerDetailJson detail, JsonSerializerOptions options)
    {
        var server = detail.Server;
        var status = server.Status;
        var launched = server.LaunchedAt is not null;
        writer.WriteStartObject();
        writer.WriteString("id", server.Uuid);
        writer.WriteString("name", server.Name);
        writer.WriteString("status", status);
        writer.WriteString("tenant_id", server.ProjectId);
        writer.WriteString("user_id", server.UserId);
        writer.WritePropertyName("metadata");
        WriteMap(writer, detail.Metadata);
        writer.WriteString("hostId", launched ? ServerHost.HostIdFor(server.ProjectId) : "");
        writer.WritePropertyName("image");
        if (server.ImageRef.Length == 0)
        {
            writer.WriteStringValue("");
        }
        else
        {
            WriteReference(writer, "images", server.ImageRef);
        }

        writer.WritePropertyName("flavor");
        WriteFlavor(writer, server);
        writer.WriteString("created", ApiTime(server.CreatedAt));
        writer.WriteString("updated", ApiTime(server.UpdatedAt));
        writer.WritePropertyName("addresses");
        WriteAddresses(writer, detail.Addresses);
        writer.WriteString("accessIPv4", server.AccessIpV4);
        writer.WriteString("accessIPv6", server.AccessIpV6);
        writer.WritePropertyName("links");
        WriteLinks(writer, ("self", ComputeLinks.Under(_selfPrefix, "servers", server.Uuid)), ("bookmark", ComputeLinks.Under(_bookmarkPrefix, "servers", server.Uuid)));
        writer.WriteString("OS-DCF:diskConfig", server.DiskConfig);
        writer.WriteString("OS-EXT-AZ:availability_zone", server.AvailabilityZone);
        writer.WriteString("config_drive", server.ConfigDrive ? "True" : "");
        writer.WriteString("key_name", server.KeyName);
        writer.WriteString("OS-SRV-USG:launched_at", UsageTime(server.LaunchedAt));
        writer.WriteString("OS-SRV-USG:terminated_at", UsageTime(server.TerminatedAt));
        writer.WritePropertyName("security_groups");
        WriteSecurityGroups(writer, server.SecurityGroups);
        writer.WriteString("OS-EXT-STS:task_state", server.TaskState);
        writer.WriteString("OS-EXT-STS:vm_state", server.VmState);
        writer.WriteNumber("OS-EXT-STS:power_state", server.PowerState);
        writer.WritePropertyName("os-extended-volumes:volumes_attached");
        WriteVolumesAttached(writer, detail.Volumes);
        if (ProgressStatuses.Contains(status))
        {
            writer.WriteNumber("progress", server.Progress);
        }

        if (isAdmin)
        {
            writer.WriteString("OS-EXT-SRV-ATTR:host", launched ? ServerHost.Name : null);
            writer.WriteString("OS-EXT-SRV-ATTR:hypervisor_hostname", launched ? ServerHost.Name : null);
            writer.WriteString("OS-EXT-SRV-ATTR:instance_name", server.DomainName);
            if (_version >= ComputeMicroversions.ExtendedServerAttributes)
            {
                writer.WriteString("OS-EXT-SRV-ATTR:reservation_id", server.ReservationId);
                writer.WriteNumber("OS-EXT-SRV-ATTR:launch_index", server.LaunchIndex);
                writer.WriteString("OS-EXT-SRV-ATTR:hostname", server.Hostname);
                writer.WriteString("OS-EXT-SRV-ATTR:kernel_id", server.KernelId);
                writer.WriteString("OS-EXT-SRV-ATTR:ramdisk_id", server.RamdiskId);
                writer.WriteString("OS-EXT-SRV-ATTR:root_device_name", server.RootDeviceName);
                writer.WriteString("OS-EXT-SRV-ATTR:user_data", server.UserData);
            }

            if (_version >= ComputeMicroversions.HostStatus)
            {
                writer.WriteString("host_status", launched ? "UP" : "");
            }
        }

        if (_version >= ComputeMicroversions.ServerLocked)
        {
            writer.WriteBoolean("locked", server.Locked);
        }

        if (_version >= ComputeMicroversions.ServerDescription)
        {
            writer.WriteString("description", server.Description);
        }

        if (_version >= ComputeMicroversions.ServerTags)
        {
            writer.WriteStartArray("tags");
            foreach (var tag in detail.Tags ?? [])
            {
                writer.WriteStringValue(tag);
            }

            writer.WriteEndArray();
        }

        if (status is "ERROR" or "DELETED" && ServerFault.FromJson(server.FaultJson) is { } fault)
        {
            writer.WriteStartObject("fault");
            writer.WriteNumber("code", fault.Code);
            writer.WriteString("created", ApiTime(fault.Created));
            writer.WriteString("message", fault.Message);
            // As Nova: the details of a 500 are for admins only.
            if (fault.Details is not null && (isAdmin || fault.Code != 500))
            {
                writer.WriteString("details", fault.Details);
            }

            writer.WriteEndObject();
        }

        foreach (var (name, value) in detail.Extras)
        {
            writer.WritePropertyName(name);
            JsonSerializer.Serialize(writer, value, options);
        }

        writer.WriteEndObject();
    }

    /// <summary>
    /// Nova's rebuild answer below 2.75: the show view without the extension attributes (availability zone, config drive,
    /// key name, usage times, security groups, extended status and volumes, and the admin-only attributes).
    /// </summary>
    public JsonObject Rebuilt(ServerRecord server, ServerDetail detail)
    {
        // One server, once: the full view as a node with the extension attributes taken out, so the two can never disagree.
        var view = JsonSerializer.SerializeToNode(Detail(server, detail.Metadata, detail.Tags, addresses: detail.Addresses))!.AsObject();
        foreach (var name in view.Select(field => field.Key).Where(name => !RebuildFields.Contains(name)).ToList())
        {
            view.Remove(name);
        }

        return view;
    }

    /// <summary>The appliance's own key on an address of a user network: the host ports that reach the guest's ports.</summary>
    public const string PortForwardsKey = "appliance:port_forwards";

    /// <summary>
    /// Nova's addresses: the fixed addresses by network name, each with its version, type and the port's MAC; on a user
    /// network, also its forwards (clients that do not know the key pass it by, as they do Nova's other extensions).
    /// </summary>
    private static void WriteAddresses(Utf8JsonWriter writer, IReadOnlyList<ServerAddress> addresses)
    {
        writer.WriteStartObject();
        foreach (var network in addresses.GroupBy(address => address.NetworkName, StringComparer.Ordinal))
        {
            writer.WriteStartArray(network.Key);
            foreach (var address in network)
            {
                writer.WriteStartObject();
                writer.WriteString("OS-EXT-IPS-MAC:mac_addr", address.MacAddress);
                writer.WriteNumber("version", address.Version);
                writer.WriteString("addr", address.Address);
                writer.WriteString("OS-EXT-IPS:type", address.Type);
                if (address.Forwards.Count > 0)
                {
                    writer.WriteStartArray(PortForwardsKey);
                    foreach (var forward in address.Forwards)
                    {
                        writer.WriteStartObject();
                        writer.WriteString("protocol", forward.Protocol);
                        writer.WriteString("host_ip", forward.HostAddress);
                        writer.WriteNumber("host_port", forward.HostPort);
                        writer.WriteNumber("guest_port", forward.GuestPort);
                        writer.WriteEndObject();
                    }

                    writer.WriteEndArray();
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
    }

    private static readonly HashSet<string> RebuildFields = new(StringComparer.Ordinal)
    {
        "id", "name", "status", "tenant_id", "user_id", "metadata", "hostId", "image", "flavor", "created", "updated", "addresses",
        "accessIPv4", "accessIPv6", "links", "OS-DCF:diskConfig", "progress", "fault", "locked", "description", "tags",
    };

    public object[] Links(string uuid) =>
    [
        new ComputeLinks.Link("self", ComputeLinks.Under(_selfPrefix, "servers", uuid)),
        new ComputeLinks.Link("bookmark", ComputeLinks.Under(_bookmarkPrefix, "servers", uuid)),
    ];

    private void WriteFlavor(Utf8JsonWriter writer, ServerRecord server)
    {
        if (_version < ComputeMicroversions.EmbeddedFlavor)
        {
            WriteReference(writer, "flavors", server.FlavorId);
            return;
        }

        var flavor = StoredFlavor.FromJson(server.FlavorJson);
        writer.WriteStartObject();
        writer.WriteNumber("vcpus", flavor.Vcpus);
        writer.WriteNumber("ram", flavor.Ram);
        writer.WriteNumber("disk", flavor.Disk);
        writer.WriteNumber("ephemeral", flavor.Ephemeral);
        writer.WriteNumber("swap", flavor.Swap);
        writer.WriteString("original_name", flavor.Name);
        writer.WritePropertyName("extra_specs");
        WriteMap(writer, flavor.ExtraSpecs);
        writer.WriteEndObject();
    }

    /// <summary>{"id": ..., "links": [bookmark]}: how a server names its image and (before 2.47) its flavor.</summary>
    private void WriteReference(Utf8JsonWriter writer, string collection, string id)
    {
        writer.WriteStartObject();
        writer.WriteString("id", id);
        writer.WritePropertyName("links");
        WriteLinks(writer, ("bookmark", ComputeLinks.Under(_bookmarkPrefix, collection, id)));
        writer.WriteEndObject();
    }

    private static void WriteLinks(Utf8JsonWriter writer, params ReadOnlySpan<(string Rel, string Href)> links)
    {
        writer.WriteStartArray();
        foreach (var (rel, href) in links)
        {
            writer.WriteStartObject();
            writer.WriteString("rel", rel);
            writer.WriteString("href", href);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    private static void WriteMap(Utf8JsonWriter writer, IReadOnlyDictionary<string, string>? map)
    {
        writer.WriteStartObject();
        foreach (var (key, value) in map ?? EmptyMap)
        {
            writer.WriteString(key, value);
        }

        writer.WriteEndObject();
    }

    private static readonly Dictionary<string, string> EmptyMap = [];

    private void WriteVolumesAttached(Utf8JsonWriter writer, IReadOnlyList<BlockDeviceMapping>? mappings)
    {
        writer.WriteStartArray();
        foreach (var mapping in mappings ?? [])
        {
            if (mapping is not { DestinationType: "volume", VolumeId: not null })
            {
                continue;
            }

            writer.WriteStartObject();
            writer.WriteString("id", mapping.VolumeId);
            if (_version >= ComputeMicroversions.ExtendedServerAttributes)
            {
                writer.WriteBoolean("delete_on_termination", mapping.DeleteOnTermination);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    /// <summary>Nova's created/updated: seconds, with Z. Stored times are fixed-width UTC, so the prefix is the answer (lists show thousands).</summary>
    public static string ApiTime(string stored) =>
        stored.Length == Timestamps.StoredFormatLength
            ? string.Concat(stored.AsSpan(0, 19), "Z")
            : Timestamps.Parse(stored).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>OS-SRV-USG times: microseconds, no zone, as Nova prints them.</summary>
    private static string? UsageTime(string? stored) => stored switch
    {
        null => null,
        { Length: Timestamps.StoredFormatLength } => stored[..26],
        _ => Timestamps.Parse(stored).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff", CultureInfo.InvariantCulture),
    };

    // Nearly every server has the same few group lists; parse each once.
    private static readonly BoundedMemo<string, string[]> ParsedSecurityGroups = new(stored => JsonSerializer.Deserialize<string[]>(stored) ?? [], 1024);

    private static void WriteSecurityGroups(Utf8JsonWriter writer, string stored)
    {
        var names = ParsedSecurityGroups.Get(stored);
        writer.WriteStartArray();
        foreach (var name in names)
        {
            writer.WriteStartObject();
            writer.WriteString("name", name);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }
}
