using Appliance.Hypervisor.Config;
using Appliance.Hypervisor.Networking;

namespace Appliance.Hypervisor.Designer;

/// <summary>The policy that turns a GuestSpec into a GuestConfig: domain type, machine, buses, boot.</summary>
public static class GuestDesigner
{
    public const string Machine = "pc";

    /// <summary>Nova's default for a direct kernel boot: root on the first virtio disk, console on serial.</summary>
    public const string DefaultKernelCmdline = "root=/dev/vda console=tty0 console=ttyS0";

    /// <summary>On the pc machine an IDE cdrom needs no extra controller; hdd is the last IDE slot, as Nova uses.</summary>
    public const string ConfigDriveTarget = "hdd";

    /// <summary>SMBIOS system fields as Nova writes them; cloud-init's ds-identify recognises OpenStack by the product.</summary>
    public const string SmbiosManufacturer = "OpenStack Foundation";
    public const string SmbiosProduct = "OpenStack Nova";
    public const string SmbiosFamily = "Virtual Machine";

    /// <summary>libvirt's anti-spoofing filter: the NIC may send only from its MAC and the IP parameters' addresses.</summary>
    public const string AntiSpoofingFilter = "clean-traffic";

    /// <summary>libvirt's user-mode backend: passt needs no privileges and forwards ports (libvirt 9.0's XML).</summary>
    public const string PasstBackend = "passt";

    /// <summary>The PCI slot of the first SLIRP NIC on pci.0, the next ones below it: libvirt hands out the low slots.</summary>
    public const int FirstQemuUserNicSlot = 0x1f;

    // writeback, not none: cache=none needs O_DIRECT, which tmpfs and some overlay data dirs lack.
    private const string DiskCache = "writeback";

    public static GuestConfig Design(GuestSpec spec, HostFacts host)
    {
        var directBoot = spec.KernelPath is not null && spec.RamdiskPath is not null;
        var disks = spec.Disks.Select((disk, index) => Disk(disk, VirtioName(index))).ToList();

        if (spec.ConfigDrivePath is not null)
        {
            disks.Add(new GuestDisk
            {
                Device = "cdrom",
                SourceFile = spec.ConfigDrivePath,
                Format = "raw",
                TargetDev = ConfigDriveTarget,
                TargetBus = "ide",
                ReadOnly = true,
            });
        }

        return new GuestConfig
        {
            VirtType = host.VirtType,
            Name = spec.Name,
            Uuid = spec.Uuid,
            MemoryMiB = spec.MemoryMiB,
            VCpus = spec.VCpus,
            // TCG keeps QEMU's default model: host-model would ask it to emulate flags it may not implement.
            Cpu = host.IsKvm ? Cpu(host.Cpu) : null,
            // serial = the server id, as Nova's sysinfo_serial=unique: stable for the guest, unique across guests.
            Sysinfo = new GuestSysinfo(SmbiosManufacturer, SmbiosProduct, host.ProductVersion, spec.Uuid.ToString("D"), spec.Uuid, SmbiosFamily),
            Os = directBoot
                ? new GuestOs
                {
                    Machine = Machine,
                    Kernel = spec.KernelPath,
                    Initrd = spec.RamdiskPath,
                    Cmdline = spec.KernelCmdline ?? DefaultKernelCmdline,
                }
                : new GuestOs { Machine = Machine, BootDevices = ["hd"] },
            Disks = disks,
            Interfaces = spec.Nics.Where(nic => !OnQemuSlirp(nic, host)).Select(Interface).ToList(),
            QemuUserNics = spec.Nics.Where(nic => OnQemuSlirp(nic, host)).Select(QemuUserNic).ToList(),
            SerialLogPath = spec.ConsoleLogPath,
            Vnc = new GuestVnc(),
        };
    }

    private static GuestCpu? Cpu(CpuPolicy policy) => policy.Mode switch
    {
        CpuMode.HostModel => new GuestCpu("host-model"),
        CpuMode.HostPassthrough => new GuestCpu("host-passthrough"),
        CpuMode.Custom => new GuestCpu("custom", policy.Model),
        _ => null,
    };

    /// <summary>A virtio disk at a given target, as at spawn; also what a volume attach adds.</summary>
    public static GuestDisk Disk(GuestSpecDisk disk, string targetDev) => new()
    {
        SourceFile = disk.Path,
        Format = disk.Format,
        Cache = DiskCache,
        TargetDev = targetDev,
        TargetBus = "virtio",
        Serial = disk.Serial,
        BackingChain = disk.BackingChain.Select(b => new GuestBackingFile(b.Path, b.Format)).ToList(),
    };

    /// <summary>A virtio NIC as at spawn; also what a NIC attach adds.</summary>
    public static GuestInterface Interface(GuestNic nic) => nic.Source.Kind switch
    {
        GuestNicKind.Network => Plugged(nic, "network"),
        GuestNicKind.Bridge => Plugged(nic, "bridge"),
        // No filter: a user-mode NIC has no host device to filter, passt only ever sends the guest its own traffic.
        GuestNicKind.User => new GuestInterface
        {
            Type = "user",
            Backend = PasstBackend,
            Mac = nic.Mac,
            PortForwards = nic.Forwards.Select(f => new GuestPortForward("tcp", f.HostAddress, f.HostPort, f.GuestPort)).ToList(),
        },
        _ => throw new ArgumentOutOfRangeException(nameof(nic), nic.Source.Kind, "unknown NIC kind"),
    };

    /// <summary>Whether the NIC is user-mode on a host whose libvirt has no passt: then QEMU's own SLIRP carries it.</summary>
    public static bool OnQemuSlirp(GuestNic nic, HostFacts host) => nic.Source.Kind == GuestNicKind.User && host.UserMode == UserModeBackend.QemuSlirp;

    /// <summary>
    /// A user-mode NIC on QEMU's SLIRP: its DHCP serves the port's subnet and gives out the port's address first (the only
    /// one this guest's stack hands out), and each forward is a hostfwd. Its id and slot come from its MAC and its place.
    /// </summary>
    private static QemuUserNic QemuUserNic(GuestNic nic, int index) => new()
    {
        Id = "user-" + nic.Mac.Replace(":", "", StringComparison.Ordinal),
        Mac = nic.Mac,
        Slot = FirstQemuUserNicSlot - index,
        Net = nic.UserAddress?.Cidr,
        DhcpStart = nic.UserAddress?.Address,
        PortForwards = nic.Forwards.Select(f => new GuestPortForward("tcp", f.HostAddress, f.HostPort, f.GuestPort)).ToList(),
    };

    /// <summary>A NIC on a tap device in a network's or host's bridge, named as Nova names it.</summary>
    private static GuestInterface Plugged(GuestNic nic, string type) => new()
    {
        Type = type,
        Source = nic.Source.Name ?? throw new ArgumentException($"a {type} NIC needs the {type}'s name", nameof(nic)),
        Mac = nic.Mac,
        TargetDev = TapName.For(nic.PortId),
        Mtu = nic.Mtu,
        Filter = nic.AllowedAddresses.Count == 0
            ? null
            : new GuestFilter(nic.FilterName ?? AntiSpoofingFilter, nic.AllowedAddresses.Select(address => ("IP", address)).ToList()),
    };

    /// <summary>The first virtio name no disk of the guest uses.</summary>
    public static string NextVirtioName(IEnumerable<GuestDisk> disks)
    {
        var used = disks.Select(d => d.TargetDev).ToHashSet();
        return Enumerable.Range(0, 702).Select(VirtioName).First(name => !used.Contains(name));
    }

    /// <summary>vda, vdb, ... vdz, vdaa: the kernel's naming for virtio disks in bus order.</summary>
    public static string VirtioName(int index)
    {
        var suffix = "";
        for (var n = index + 1; n > 0; n = (n - 1) / 26)
        {
            suffix = (char)('a' + ((n - 1) % 26)) + suffix;
        }

        return "vd" + suffix;
    }
}
