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

    /// <summary>NICs in the order the guest finds them, after the disks.</summary>
    public IReadOnlyList<GuestInterface> Interfaces { get; init; } = [];

    /// <summary>NICs on QEMU's own SLIRP, given on QEMU's command line (libvirt knows nothing of them); the guest finds them last.</summary>
    public IReadOnlyList<QemuUserNic> QemuUserNics { get; init; } = [];

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

/// <summary>One NIC: on a libvirt network, on a host bridge, or user-mode (no host device at all).</summary>
public sealed record GuestInterface
{
    /// <summary>libvirt's interface type: network, bridge or user.</summary>
    public required string Type { get; init; }

    /// <summary>The network's or bridge's name; null for user-mode.</summary>
    public string? Source { get; init; }

    public required string Mac { get; init; }

    public string? Model { get; init; } = "virtio";

    /// <summary>The host's tap device; null lets libvirt name it.</summary>
    public string? TargetDev { get; init; }

    public int? Mtu { get; init; }

    /// <summary>The user-mode backend, e.g. passt; null for the hypervisor's default.</summary>
    public string? Backend { get; init; }

    /// <summary>The nwfilter the host applies to the NIC's traffic; null for none.</summary>
    public GuestFilter? Filter { get; init; }

    /// <summary>User-mode forwards from the host into the guest.</summary>
    public IReadOnlyList<GuestPortForward> PortForwards { get; init; } = [];
}

/// <summary>
/// A virtio NIC on QEMU's user-mode stack (SLIRP), as <c>-netdev user</c> and <c>-device virtio-net-pci</c> on QEMU's command line:
/// its id, MAC, PCI slot (high on pci.0, clear of the slots libvirt hands out low), subnet, the address its DHCP gives the
/// guest, and its host forwards.
/// </summary>
public sealed record QemuUserNic
{
    public required string Id { get; init; }

    public required string Mac { get; init; }

    public required int Slot { get; init; }

    /// <summary>The subnet SLIRP serves (its gateway is .2, its DNS .3); null for QEMU's 10.0.2.0/24.</summary>
    public string? Net { get; init; }

    /// <summary>The first (and, with one guest per stack, only) address SLIRP's DHCP hands out; null for QEMU's .15.</summary>
    public string? DhcpStart { get; init; }

    public IReadOnlyList<GuestPortForward> PortForwards { get; init; } = [];
}

/// <summary>An nwfilter reference and its parameters, in order (a name may repeat, as IP does for several addresses).</summary>
public sealed record GuestFilter(string Name, IReadOnlyList<(string Name, string Value)> Parameters);

/// <summary>One portForward of one port: host Address:Port to the guest's GuestPort.</summary>
public sealed record GuestPortForward(string Protocol, string? Address, int Port, int GuestPort);

/// <summary>libvirt's cpu mode (host-model, host-passthrough or custom) and, for custom, the named model.</summary>
public sealed record GuestCpu(string Mode, string? Model = null);

/// <summary>SMBIOS type 1 (system) fields, which guest tools such as cloud-init's ds-identify read to tell what cloud they run on.</summary>
public sealed record GuestSysinfo(string Manufacturer, string Product, string Version, string Serial, Guid Uuid, string Family);

/// <summary>A VNC display; Listen is an address, never a wildcard by default.</summary>
public sealed record GuestVnc(string Listen = "127.0.0.1", bool AutoPort = true);
