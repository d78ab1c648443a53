namespace Appliance.Core.Configuration;

/// <summary>How servers are built and watched (section Appliance:Servers).</summary>
public sealed class ServerOptions
{
    /// <summary>Builds that may prepare disks and start guests at once (Nova's max_concurrent_builds); others wait their turn.</summary>
    public int MaxConcurrentBuilds { get; set; } = 4;

    /// <summary>How often every guest's power state is compared with the database, besides libvirt's events.</summary>
    public TimeSpan PowerSyncInterval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Start again, at appliance start, the guests that were running before the host went down.</summary>
    public bool ResumeGuestsOnHostBoot { get; set; } = true;

    /// <summary>
    /// Give every server a config drive, asked for or not: the appliance has no metadata service, so this
    /// is how guests learn their keys, user_data and name.
    /// </summary>
    public bool ForceConfigDrive { get; set; } = true;

    public AdminPasswordPolicy AdminPassword { get; set; } = new();

    /// <summary>
    /// Show the admin password in create and rebuild answers (Nova's [api] enable_instance_password). Off, the password is
    /// still set (given or generated) and written to the config drive, only not answered.
    /// </summary>
    public bool EnableInstancePassword { get; set; } = true;

    /// <summary>
    /// How long a resized server waits in VERIFY_RESIZE before it is confirmed automatically (Nova's resize_confirm_window);
    /// zero, Nova's default, means never.
    /// </summary>
    public TimeSpan ResizeConfirmWindow { get; set; } = TimeSpan.Zero;
}

/// <summary>What an adminPass given by the client must contain; one that fails puts the server in ERROR, as the seed says.</summary>
public sealed class AdminPasswordPolicy
{
    public int MinimumLength { get; set; } = 8;

    public bool RequireDigit { get; set; }

    public bool RequireUppercase { get; set; }

    public bool RequireLowercase { get; set; }

    public bool RequireSymbol { get; set; }

    /// <summary>Length of generated passwords (Nova's password_length).</summary>
    public int GeneratedLength { get; set; } = 12;
}
