using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
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

    public Dictionary<string, object?> Basic(ServerRecord server) => new()
    {
        ["id"] = server.Uuid,
        ["links"] = Links(server.Uuid),
        ["name"] = server.Name,
    };

    public Dictionary<string, object?> Detail(ServerRecord server, IReadOnlyDictionary<string, string>? metadata, IReadOnlyList<string>? tags,
        IReadOnlyList<BlockDeviceMapping>? volumes = null)
    {
        var status = server.Status;
        var launched = server.LaunchedAt is not null;
        var view = new Dictionary<string, object?>
        {
            ["id"] = server.Uuid,
            ["name"] = server.Name,
            ["status"] = status,
            ["tenant_id"] = server.ProjectId,
            ["user_id"] = server.UserId,
            ["metadata"] = metadata ?? new Dictionary<string, string>(),
            ["hostId"] = launched ? ServerHost.HostIdFor(server.ProjectId) : "",
            ["image"] = server.ImageRef.Length == 0 ? "" : new { id = server.ImageRef, links = new[] { Bookmark("images", server.ImageRef) } },
            ["flavor"] = Flavor(server),
            ["created"] = ApiTime(server.CreatedAt),
            ["updated"] = ApiTime(server.UpdatedAt),
            ["addresses"] = new Dictionary<string, object>(),
            ["accessIPv4"] = server.AccessIpV4,
            ["accessIPv6"] = server.AccessIpV6,
            ["links"] = Links(server.Uuid),
            ["OS-DCF:diskConfig"] = server.DiskConfig,
            ["OS-EXT-AZ:availability_zone"] = server.AvailabilityZone,
            ["config_drive"] = server.ConfigDrive ? "True" : "",
            ["key_name"] = server.KeyName,
            ["OS-SRV-USG:launched_at"] = UsageTime(server.LaunchedAt),
            ["OS-SRV-USG:terminated_at"] = UsageTime(server.TerminatedAt),
            ["security_groups"] = SecurityGroupsView(server.SecurityGroups),
            ["OS-EXT-STS:task_state"] = server.TaskState,
            ["OS-EXT-STS:vm_state"] = server.VmState,
            ["OS-EXT-STS:power_state"] = server.PowerState,
            ["os-extended-volumes:volumes_attached"] = VolumesAttached(volumes),
        };
        if (ProgressStatuses.Contains(status))
        {
            view["progress"] = server.Progress;
        }

        if (isAdmin)
        {
            view["OS-EXT-SRV-ATTR:host"] = launched ? ServerHost.Name : null;
            view["OS-EXT-SRV-ATTR:hypervisor_hostname"] = launched ? ServerHost.Name : null;
            view["OS-EXT-SRV-ATTR:instance_name"] = server.DomainName;
            if (_version >= ComputeMicroversions.ExtendedServerAttributes)
            {
                view["OS-EXT-SRV-ATTR:reservation_id"] = server.ReservationId;
                view["OS-EXT-SRV-ATTR:launch_index"] = server.LaunchIndex;
                view["OS-EXT-SRV-ATTR:hostname"] = server.Hostname;
                view["OS-EXT-SRV-ATTR:kernel_id"] = server.KernelId;
                view["OS-EXT-SRV-ATTR:ramdisk_id"] = server.RamdiskId;
                view["OS-EXT-SRV-ATTR:root_device_name"] = server.RootDeviceName;
                view["OS-EXT-SRV-ATTR:user_data"] = server.UserData;
            }

            if (_version >= ComputeMicroversions.HostStatus)
            {
                view["host_status"] = launched ? "UP" : "";
            }
        }

        if (_version >= ComputeMicroversions.ServerLocked)
        {
            view["locked"] = server.Locked;
        }

        if (_version >= ComputeMicroversions.ServerDescription)
        {
            view["description"] = server.Description;
        }

        if (_version >= ComputeMicroversions.ServerTags)
        {
            view["tags"] = tags ?? [];
        }

        if (status is "ERROR" or "DELETED" && ServerFault.FromJson(server.FaultJson) is { } fault)
        {
            var shown = new Dictionary<string, object?> { ["code"] = fault.Code, ["created"] = ApiTime(fault.Created), ["message"] = fault.Message };
            // As Nova: the details of a 500 are for admins only.
            if (fault.Details is not null && (isAdmin || fault.Code != 500))
            {
                shown["details"] = fault.Details;
            }

            view["fault"] = shown;
        }

        return view;
    }

    /// <summary>
    /// Nova's rebuild answer below 2.75: the show view without the extension attributes (availability zone, config drive,
    /// key name, usage times, security groups, extended status and volumes, and the admin-only attributes).
    /// </summary>
    public Dictionary<string, object?> Rebuilt(ServerRecord server, IReadOnlyDictionary<string, string>? metadata, IReadOnlyList<string>? tags)
    {
        var detail = Detail(server, metadata, tags);
        return detail.Where(field => RebuildFields.Contains(field.Key)).ToDictionary(field => field.Key, field => field.Value);
    }

    private static readonly HashSet<string> RebuildFields = new(StringComparer.Ordinal)
    {
        "id", "name", "status", "tenant_id", "user_id", "metadata", "hostId", "image", "flavor", "created", "updated", "addresses",
        "accessIPv4", "accessIPv6", "links", "OS-DCF:diskConfig", "progress", "fault", "locked", "description", "tags",
    };

    public object[] Links(string uuid) =>
    [
        new ComputeLinks.Link("self", ComputeLinks.Self(request, "servers", uuid)),
        new ComputeLinks.Link("bookmark", ComputeLinks.Bookmark(request, "servers", uuid)),
    ];

    private object Flavor(ServerRecord server)
    {
        if (_version < ComputeMicroversions.EmbeddedFlavor)
        {
            return new { id = server.FlavorId, links = new[] { Bookmark("flavors", server.FlavorId) } };
        }

        var flavor = StoredFlavor.FromJson(server.FlavorJson);
        return new Dictionary<string, object>
        {
            ["vcpus"] = flavor.Vcpus,
            ["ram"] = flavor.Ram,
            ["disk"] = flavor.Disk,
            ["ephemeral"] = flavor.Ephemeral,
            ["swap"] = flavor.Swap,
            ["original_name"] = flavor.Name,
            ["extra_specs"] = flavor.ExtraSpecs,
        };
    }

    private ComputeLinks.Link Bookmark(string collection, string id) => new("bookmark", ComputeLinks.Bookmark(request, collection, id));

    private List<object> VolumesAttached(IReadOnlyList<BlockDeviceMapping>? mappings) =>
        (mappings ?? []).Where(m => m is { DestinationType: "volume", VolumeId: not null })
            .Select(m => _version >= ComputeMicroversions.ExtendedServerAttributes
                ? (object)new { id = m.VolumeId, delete_on_termination = m.DeleteOnTermination }
                : new { id = m.VolumeId })
            .ToList();

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
    private static readonly ConcurrentDictionary<string, object> ParsedSecurityGroups = new(StringComparer.Ordinal);

    private static object SecurityGroupsView(string stored) =>
        ParsedSecurityGroups.Count < 1024
            ? ParsedSecurityGroups.GetOrAdd(stored, ParseSecurityGroups)
            : ParseSecurityGroups(stored);

    private static object ParseSecurityGroups(string stored) =>
        (JsonSerializer.Deserialize<List<string>>(stored) ?? []).Select(name => new { name }).ToArray();
}
