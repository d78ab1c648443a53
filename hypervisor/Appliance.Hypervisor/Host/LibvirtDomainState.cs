namespace Appliance.Hypervisor.Host;

/// <summary>libvirt's virDomainState values and how they read as Nova power states.</summary>
internal static class LibvirtDomainState
{
    public const int NoState = 0;
    public const int Running = 1;
    public const int Blocked = 2;
    public const int Paused = 3;
    public const int Shutdown = 4;
    public const int Shutoff = 5;
    public const int Crashed = 6;
    public const int PmSuspended = 7;

    /// <summary>As Nova's LIBVIRT_POWER_STATE: blocked counts as running, shut off as shut down.</summary>
    public static PowerState ToPowerState(int state) => state switch
    {
        Running or Blocked => PowerState.Running,
        Paused => PowerState.Paused,
        Shutdown or Shutoff => PowerState.Shutdown,
        Crashed => PowerState.Crashed,
        PmSuspended => PowerState.Suspended,
        _ => PowerState.NoState,
    };
}
