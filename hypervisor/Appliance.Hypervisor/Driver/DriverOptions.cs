namespace Appliance.Hypervisor.Driver;

/// <summary>The driver's waits, with Nova's defaults.</summary>
public sealed record DriverOptions
{
    /// <summary>How long a power-off waits for an ACPI shutdown before a hard stop (Nova's shutdown_timeout).</summary>
    public TimeSpan CleanShutdownTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long a soft reboot waits for the guest to stop before rebooting hard (Nova's wait_soft_reboot_seconds).</summary>
    public TimeSpan SoftRebootTimeout { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>How long a detach waits for a running guest to release the disk or NIC (a PCI unplug needs its consent).</summary>
    public TimeSpan DetachTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How often those waits look at the power state.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Nova's MAX_CONSOLE_BYTES: the console output never returns more than this.</summary>
    public int MaxConsoleBytes { get; init; } = 100 * 1024;
}
