namespace Appliance.Web.Microversions;

/// <summary>
/// The one place that decides what each compute microversion enables. Raise <see cref="Maximum"/> only
/// together with the behaviour that version adds, and name that behaviour here, e.g.
/// <c>public static readonly ApiVersion LockedReason = new(2, 73);</c>, checked with
/// <c>request.Supports(ComputeMicroversions.LockedReason)</c>.
/// </summary>
public static class ComputeMicroversions
{
    public static readonly ApiVersion Minimum = new(2, 1);

    /// <summary>The newest microversion whose behaviour is implemented in full.</summary>
    public static readonly ApiVersion Maximum = new(2, 47);

    /// <summary>Key pairs carry a type (ssh or x509); create answers 201 and delete 204.</summary>
    public static readonly ApiVersion KeypairType = new(2, 2);

    /// <summary>Adding tenant access to a public flavor is refused with 409.</summary>
    public static readonly ApiVersion FlavorAccessPublicConflict = new(2, 7);

    /// <summary>Admins may act on another user's key pairs (user_id in the create body or the query).</summary>
    public static readonly ApiVersion KeypairUserId = new(2, 10);

    /// <summary>The key pair list pages by name with limit and marker, and links the next page.</summary>
    public static readonly ApiVersion KeypairPaging = new(2, 35);

    /// <summary>Admins see OS-EXT-SRV-ATTR:reservation_id, launch_index, hostname, kernel_id, ramdisk_id, root_device_name, user_data.</summary>
    public static readonly ApiVersion ExtendedServerAttributes = new(2, 3);

    /// <summary>Server views carry "locked".</summary>
    public static readonly ApiVersion ServerLocked = new(2, 9);

    /// <summary>Admins see host_status in server views.</summary>
    public static readonly ApiVersion HostStatus = new(2, 16);

    /// <summary>Servers take and show a description.</summary>
    public static readonly ApiVersion ServerDescription = new(2, 19);

    /// <summary>The instance actions of a deleted server stay visible.</summary>
    public static readonly ApiVersion InstanceActionsOfDeletedServers = new(2, 21);

    /// <summary>Server views carry tags; tags filters and /servers/{id}/tags.</summary>
    public static readonly ApiVersion ServerTags = new(2, 26);

    /// <summary>Members may filter servers by ip6 (before, only admins could).</summary>
    public static readonly ApiVersion Ip6FilterForMembers = new(2, 5);

    /// <summary>The trigger_crash_dump server action (an NMI to the guest).</summary>
    public static readonly ApiVersion TriggerCrashDump = new(2, 17);

    /// <summary>createImage answers {"image_id": ...} instead of a Location header.</summary>
    public static readonly ApiVersion ImageIdInBody = new(2, 45);

    /// <summary>Device tags on networks and block devices are accepted (2.32; Nova then dropped them by mistake, see below).</summary>
    public static readonly ApiVersion DeviceTags = new(2, 32);

    /// <summary>Block device tags are refused again from here until NetworkDeviceTagsRestored (Nova's 2.33 slip).</summary>
    public static readonly ApiVersion BlockDeviceTagsDropped = new(2, 33);

    /// <summary>Server create must say networks: "auto", "none" or a list.</summary>
    public static readonly ApiVersion NetworksRequired = new(2, 37);

    /// <summary>Network and block device tags come back.</summary>
    public static readonly ApiVersion NetworkDeviceTagsRestored = new(2, 42);

    /// <summary>An unknown status filter is 400 instead of an empty list.</summary>
    public static readonly ApiVersion InvalidStatusFilterRejected = new(2, 38);

    /// <summary>Server views embed the flavor (original_name, sizes, extra_specs) instead of linking it.</summary>
    public static readonly ApiVersion EmbeddedFlavor = new(2, 47);

    /// <summary>From here on the image proxy (/images) is gone, as in Nova.</summary>
    public static readonly ApiVersion ImageProxyRemoved = new(2, 36);

    /// <summary>From here on image metadata (/images/{id}/metadata) is gone, as in Nova.</summary>
    public static readonly ApiVersion ImageMetadataProxyRemoved = new(2, 39);

    /// <summary>From here on Nova's network proxies (/os-networks, /os-fping) are gone (404), as in Nova.</summary>
    public static readonly ApiVersion NetworkProxiesRemoved = new(2, 36);

    /// <summary>From here on quota sets and limits drop the nova-network resources (fixed and floating IPs, security groups and rules).</summary>
    public static readonly ApiVersion NetworkQuotasRemoved = new(2, 36);

    /// <summary>From here on /limits no longer shows maxImageMeta, as image metadata is no longer proxied.</summary>
    public static readonly ApiVersion MaxImageMetaRemoved = new(2, 39);
    /// <summary>Owners see an instance action's events too (without traceback); before, only admins did.</summary>
    public static readonly ApiVersion InstanceActionEventsForOwners = new(2, 51);

    /// <summary>What a request without a version header gets, as in Nova.</summary>
    public static readonly ApiVersion Default = Minimum;
}
