using System.Globalization;
using System.Xml.Linq;

namespace Appliance.Hypervisor.Config;

/// <summary>Writes a GuestConfig as libvirt domain XML.</summary>
public static class GuestConfigWriter
{
    public static string ToXml(GuestConfig config) => ToElement(config).ToString();

    /// <summary>libvirt's namespace for QEMU command-line passthrough.</summary>
    public static readonly XNamespace QemuNamespace = "http://libvirt.org/schemas/domain/qemu/1.0";

    public static XElement ToElement(GuestConfig config) =>
        new("domain",
            new XAttribute("type", config.VirtType),
            config.QemuUserNics.Count == 0 ? null : new XAttribute(XNamespace.Xmlns + "qemu", QemuNamespace.NamespaceName),
            new XElement("name", config.Name),
            new XElement("uuid", config.Uuid.ToString("D")),
            new XElement("memory", new XAttribute("unit", "MiB"), Number(config.MemoryMiB)),
            new XElement("vcpu", Number(config.VCpus)),
            Sysinfo(config.Sysinfo),
            Os(config.Os, smbios: config.Sysinfo is not null),
            Features(config),
            Cpu(config.Cpu),
            new XElement("clock", new XAttribute("offset", config.ClockOffset)),
            new XElement("on_poweroff", config.OnPoweroff),
            new XElement("on_reboot", config.OnReboot),
            new XElement("on_crash", config.OnCrash),
            new XElement("devices",
                config.Disks.Select(Disk),
                config.Interfaces.Select(Interface),
                Serial(config.SerialLogPath),
                Vnc(config.Vnc)),
            config.QemuUserNics.Count == 0
                ? null
                : new XElement(QemuNamespace + "commandline",
                    QemuUserNicArgs.ToArgs(config.QemuUserNics).Select(arg => new XElement(QemuNamespace + "arg", new XAttribute("value", arg)))));

    private static XElement Os(GuestOs os, bool smbios) =>
        new("os",
            new XElement("type",
                Optional("arch", os.Arch),
                Optional("machine", os.Machine),
                os.Type),
            OptionalElement("kernel", os.Kernel),
            OptionalElement("initrd", os.Initrd),
            OptionalElement("cmdline", os.Cmdline),
            os.BootDevices.Select(dev => new XElement("boot", new XAttribute("dev", dev))),
            smbios ? new XElement("smbios", new XAttribute("mode", "sysinfo")) : null);

    private static XElement? Sysinfo(GuestSysinfo? sysinfo) =>
        sysinfo is null
            ? null
            : new XElement("sysinfo",
                new XAttribute("type", "smbios"),
                new XElement("system",
                    Entry("manufacturer", sysinfo.Manufacturer),
                    Entry("product", sysinfo.Product),
                    Entry("version", sysinfo.Version),
                    Entry("serial", sysinfo.Serial),
                    Entry("uuid", sysinfo.Uuid.ToString("D")),
                    Entry("family", sysinfo.Family)));

    private static XElement Entry(string name, string value) => new("entry", new XAttribute("name", name), value);

    private static XElement? Cpu(GuestCpu? cpu) =>
        cpu is null
            ? null
            : new XElement("cpu",
                new XAttribute("mode", cpu.Mode),
                cpu.Model is null ? null : new XAttribute("match", "exact"),
                OptionalElement("model", cpu.Model));

    private static XElement? Features(GuestConfig config) =>
        config.Acpi || config.Apic
            ? new XElement("features",
                config.Acpi ? new XElement("acpi") : null,
                config.Apic ? new XElement("apic") : null)
            : null;

    /// <summary>One disk element, as a device attach takes it.</summary>
    public static string ToXml(GuestDisk disk) => Disk(disk).ToString();

    private static XElement Disk(GuestDisk disk) =>
        new("disk",
            new XAttribute("type", "file"),
            new XAttribute("device", disk.Device),
            new XElement("driver",
                new XAttribute("name", "qemu"),
                new XAttribute("type", disk.Format),
                Optional("cache", disk.Cache)),
            new XElement("source", new XAttribute("file", disk.SourceFile)),
            BackingStore(disk.BackingChain, 0),
            new XElement("target", new XAttribute("dev", disk.TargetDev), new XAttribute("bus", disk.TargetBus)),
            disk.ReadOnly ? new XElement("readonly") : null,
            OptionalElement("serial", disk.Serial));

    /// <summary>One interface element, as a device attach or detach takes it.</summary>
    public static string ToXml(GuestInterface nic) => Interface(nic).ToString();

    private static XElement Interface(GuestInterface nic) =>
        new("interface",
            new XAttribute("type", nic.Type),
            InterfaceSource(nic),
            nic.Backend is null ? null : new XElement("backend", new XAttribute("type", nic.Backend)),
            new XElement("mac", new XAttribute("address", nic.Mac)),
            nic.Model is null ? null : new XElement("model", new XAttribute("type", nic.Model)),
            nic.TargetDev is null ? null : new XElement("target", new XAttribute("dev", nic.TargetDev)),
            nic.Mtu is { } mtu ? new XElement("mtu", new XAttribute("size", Number(mtu))) : null,
            Filter(nic.Filter),
            nic.PortForwards.Select(PortForward));

    private static XElement? InterfaceSource(GuestInterface nic) => nic.Type switch
    {
        "network" or "bridge" => new XElement("source", new XAttribute(nic.Type, nic.Source ?? throw new ArgumentException($"a {nic.Type} interface needs a source"))),
        _ => null,
    };

    private static XElement? Filter(GuestFilter? filter) =>
        filter is null
            ? null
            : new XElement("filterref",
                new XAttribute("filter", filter.Name),
                filter.Parameters.Select(p => new XElement("parameter", new XAttribute("name", p.Name), new XAttribute("value", p.Value))));

    /// <summary>libvirt's syntax since 9.0: the host side on portForward and range start, the guest port as to.</summary>
    private static XElement PortForward(GuestPortForward forward) =>
        new("portForward",
            new XAttribute("proto", forward.Protocol),
            Optional("address", forward.Address),
            new XElement("range", new XAttribute("start", Number(forward.Port)), new XAttribute("to", Number(forward.GuestPort))));

    /// <summary>Nests the chain and closes it with an empty backingStore, so libvirt never probes for more.</summary>
    private static XElement BackingStore(IReadOnlyList<GuestBackingFile> chain, int index) =>
        index == chain.Count
            ? new XElement("backingStore")
            : new XElement("backingStore",
                new XAttribute("type", "file"),
                new XElement("format", new XAttribute("type", chain[index].Format)),
                new XElement("source", new XAttribute("file", chain[index].SourceFile)),
                BackingStore(chain, index + 1));

    private static XElement? Serial(string? logPath) =>
        logPath is null
            ? null
            : new XElement("serial",
                new XAttribute("type", "file"),
                // append: a new QEMU process (hard reboot, start, resume, snapshot) keeps earlier output, as Nova's console log does.
                new XElement("source", new XAttribute("path", logPath), new XAttribute("append", "on")),
                new XElement("target", new XAttribute("port", "0")));

    private static XElement? Vnc(GuestVnc? vnc) =>
        vnc is null
            ? null
            : new XElement("graphics",
                new XAttribute("type", "vnc"),
                new XAttribute("autoport", vnc.AutoPort ? "yes" : "no"),
                new XAttribute("listen", vnc.Listen));

    private static XAttribute? Optional(string name, string? value) => value is null ? null : new XAttribute(name, value);

    private static XElement? OptionalElement(string name, string? value) => value is null ? null : new XElement(name, value);

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);
}
