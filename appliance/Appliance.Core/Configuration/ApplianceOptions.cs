namespace Appliance.Core.Configuration;

/// <summary>The appliance's settings: section "Appliance" of appsettings.json, APPLIANCE_* variables, CLI flags.</summary>
public sealed class ApplianceOptions
{
    public const string Section = "Appliance";
    public const string DefaultListen = "http://0.0.0.0:8774";
    public const string DefaultLibvirtUri = "qemu:///system";

    /// <summary>Holds appliance.db, images, instances and volumes.</summary>
    public string DataDir { get; set; } = DefaultDataDir();

    /// <summary>The one URL the API, identity, image and status page listen on.</summary>
    public string Listen { get; set; } = DefaultListen;

    /// <summary>
    /// A unix socket the same endpoints are also served on, beside <see cref="Listen"/>; none by default. For a client on this
    /// host that cannot reach the listen URL, e.g. one outside the network namespace the appliance runs in.
    /// </summary>
    public string? ListenSocket { get; set; }

    public string LibvirtUri { get; set; } = DefaultLibvirtUri;

    public ImageOptions Images { get; set; } = new();

    public ServerOptions Servers { get; set; } = new();

    /// <summary>Guest networks: the default NAT network, DHCP, the metadata service.</summary>
    public NetworkingOptions Networking { get; set; } = new();

    /// <summary>How guests run: virt type and CPU mode.</summary>
    public HypervisorOptions Hypervisor { get; set; } = new();

    /// <summary>Per-project limits on compute API requests, as Nova's rate limits.</summary>
    public RateLimitOptions RateLimits { get; set; } = new();

    /// <summary>Failed-login throttling, lockout and the bound on password hashing.</summary>
    public LoginOptions Logins { get; set; } = new();

    /// <summary>How long an issued token stays valid (Keystone's [token] expiration, 1 h by default).</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The URL clients reach the appliance at, for the service catalog; empty means the request's own scheme and host.</summary>
    public string? PublicUrl { get; set; }

    /// <summary>/var/lib/appliance for root, the XDG data home for everyone else.</summary>
    public static string DefaultDataDir()
    {
        if (Environment.IsPrivilegedProcess)
        {
            return "/var/lib/appliance";
        }

        var xdgData = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
        var dataHome = string.IsNullOrEmpty(xdgData)
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share")
            : xdgData;
        return Path.Combine(dataHome, "appliance");
    }
}
