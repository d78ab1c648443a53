namespace Appliance.Hypervisor.Driver;

/// <summary>Where a spawn spent its time, phase by phase, for the instance action and the benchmark.</summary>
/// <param name="BeforeStart">Wall time up to the start call; less than the phases' sum, as disk phases overlap.</param>
public sealed record SpawnReport(IReadOnlyList<SpawnPhase> Phases, bool BaseImageWasCached, TimeSpan BeforeStart)
{
    public TimeSpan Of(string phase) => Phases.Where(p => p.Name == phase).Aggregate(TimeSpan.Zero, (sum, p) => sum + p.Duration);
}

/// <summary>One named step of a spawn and how long it took.</summary>
public sealed record SpawnPhase(string Name, TimeSpan Duration);

/// <summary>The names of spawn phases, in the order they run.</summary>
public static class SpawnPhases
{
    public const string BaseImage = "base image";
    public const string RootDisk = "root disk";
    public const string BootFiles = "kernel and ramdisk";
    public const string Ephemeral = "ephemeral disk";
    public const string Swap = "swap disk";
    public const string ConfigDrive = "config drive";
    public const string Define = "define";
    public const string Start = "start";
}

/// <summary>The names of a resize's phases besides define and start, in the order they run.</summary>
public static class ResizePhases
{
    public const string PowerOff = "power off";
    public const string KeepOldDisks = "keep old disks";
    public const string Disks = "resize disks";
}
