namespace Appliance.Hypervisor.Config;

/// <summary>A libvirt domain as plain data; it carries no policy, only what the XML will say.</summary>
public sealed record GuestConfig
{
    /// <summary>libvirt's domain type: kvm, qemu (TCG) or test.</summary>
    public required string VirtType { get; init; }

    public required string Name { get; init; }

    public required Guid Uuid { get; init; }

    public required int MemoryMiB { get; init; }

    public required int VCpus { get; init; }

    public required GuestOs Os { get; init; }

    /// <summary>The CPU the guest sees; null for the hypervisor's default model (QEMU's own under TCG).</summary>
    public GuestCpu? Cpu { get; init; }

    /// <summary>SMBIOS system fields for the guest's firmware; null for none.</summary>
    public GuestSysinfo? Sysinfo { get; init; }

    public bool Acpi { get; init; } = true;

    public bool Apic { get; init; } = true;

    public string ClockOffset { get; init; } = "utc";

    public string OnPoweroff { get; init; } = "destroy";

    public string OnReboot { get; init; } = "restart";

    public string OnCrash { get; init; } = "destroy";

    public IReadOnlyList<GuestDisk> Disks { get; init; } = [];

    /// <summary>A serial port whose output goes to this file; null for none.</summary>
    public string? SerialLogPath { get; init; }

    public GuestVnc? Vnc { get; init; }
}

/// <summary>The os element: machine type and either a boot order or a direct kernel boot.</summary>
public sealed record GuestOs
{
    public string Type { get; init; } = "hvm";

    public string? Arch { get; init; }

    public string? Machine { get; init; }

    public string? Kernel { get; init; }

    public string? Initrd { get; init; }

    public string? Cmdline { get; init; }

    /// <summary>boot dev values in order, e.g. hd or cdrom; empty with a direct kernel boot.</summary>
    public IReadOnlyList<string> BootDevices { get; init; } = [];
}

/// <summary>One file-backed disk or cdrom.</summary>
public sealed record GuestDisk
{
    /// <summary>disk or cdrom.</summary>
    public string Device { get; init; } = "disk";

    public required string SourceFile { get; init; }

    /// <summary>The image format libvirt must use; never probed.</summary>
    public required string Format { get; init; }

    public string? Cache { get; init; }

    public required string TargetDev { get; init; }

    public required string TargetBus { get; init; }

    public bool ReadOnly { get; init; }

    public string? Serial { get; init; }

    /// <summary>The backing files under SourceFile, nearest first; the chain ends after the last.</summary>
    public IReadOnlyList<GuestBackingFile> BackingChain { get; init; } = [];
}

/// <summary>One layer of a disk's backing chain.</summary>
public sealed record GuestBackingFile(string SourceFile, string Format);

/// <summary>libvirt's cpu mode (host-model, host-passthrough or custom) and, for custom, the named model.</summary>
public sealed record GuestCpu(string Mode, string? Model = null);

/// <summary>SMBIOS type 1 (system) fields, which guest tools such as cloud-init's ds-identify read to tell what cloud they run on.</summary>
public sealed record GuestSysinfo(string Manufacturer, string Product, string Version, string Serial, Guid Uuid, string Family);

/// <summary>A VNC display; Listen is an address, never a wildcard by default.</summary>
public sealed record GuestVnc(string Listen = "127.0.0.1", bool AutoPort = true);
