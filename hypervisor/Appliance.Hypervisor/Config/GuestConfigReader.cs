using System.Globalization;
using System.Xml.Linq;

namespace Appliance.Hypervisor.Config;

/// <summary>Reads the parts of libvirt domain XML that GuestConfig models; everything else is ignored.</summary>
public static class GuestConfigReader
{
    public static GuestConfig FromXml(string xml)
    {
        var domain = XElement.Parse(xml);
        var os = domain.Element("os") ?? throw Invalid("os");
        var devices = domain.Element("devices");
        var features = domain.Element("features");
        var graphics = devices?.Elements("graphics").FirstOrDefault(g => (string?)g.Attribute("type") == "vnc");
        return new GuestConfig
        {
            VirtType = (string?)domain.Attribute("type") ?? throw Invalid("domain type"),
            Name = (string?)domain.Element("name") ?? throw Invalid("name"),
            Uuid = Guid.Parse((string?)domain.Element("uuid") ?? throw Invalid("uuid")),
            MemoryMiB = MemoryMiB(domain.Element("memory") ?? throw Invalid("memory")),
            VCpus = int.Parse((string?)domain.Element("vcpu") ?? "1", CultureInfo.InvariantCulture),
            Os = ReadOs(os),
            Cpu = ReadCpu(domain.Element("cpu")),
            Sysinfo = ReadSysinfo(domain.Elements("sysinfo").FirstOrDefault(e => (string?)e.Attribute("type") == "smbios")),
            Acpi = features?.Element("acpi") is not null,
            Apic = features?.Element("apic") is not null,
            ClockOffset = (string?)domain.Element("clock")?.Attribute("offset") ?? "utc",
            OnPoweroff = (string?)domain.Element("on_poweroff") ?? "destroy",
            OnReboot = (string?)domain.Element("on_reboot") ?? "restart",
            OnCrash = (string?)domain.Element("on_crash") ?? "destroy",
            Disks = devices?.Elements("disk").Where(d => (string?)d.Attribute("type") == "file").Select(ReadDisk).ToList() ?? [],
            Interfaces = devices?.Elements("interface").Where(i => (string?)i.Attribute("type") is "network" or "bridge" or "user")
                .Select(ReadInterface).ToList() ?? [],
            QemuUserNics = QemuUserNicArgs.FromArgs(domain.Elements(GuestConfigWriter.QemuNamespace + "commandline")
                .Elements(GuestConfigWriter.QemuNamespace + "arg").Select(arg => (string?)arg.Attribute("value") ?? "").ToList()),
            SerialLogPath = (string?)devices?.Elements("serial")
                .FirstOrDefault(s => (string?)s.Attribute("type") == "file")?.Element("source")?.Attribute("path"),
            Vnc = graphics is null
                ? null
                : new GuestVnc((string?)graphics.Attribute("listen") ?? "127.0.0.1", (string?)graphics.Attribute("autoport") == "yes"),
        };
    }

    private static GuestOs ReadOs(XElement os)
    {
        var type = os.Element("type") ?? throw Invalid("os type");
        return new GuestOs
        {
            Type = type.Value,
            Arch = (string?)type.Attribute("arch"),
            Machine = (string?)type.Attribute("machine"),
            Kernel = (string?)os.Element("kernel"),
            Initrd = (string?)os.Element("initrd"),
            Cmdline = (string?)os.Element("cmdline"),
            BootDevices = os.Elements("boot").Select(b => (string?)b.Attribute("dev") ?? "").ToList(),
        };
    }

    private static GuestCpu? ReadCpu(XElement? cpu) =>
        cpu?.Attribute("mode") is { } mode ? new GuestCpu(mode.Value, (string?)cpu.Element("model")) : null;

    private static GuestSysinfo? ReadSysinfo(XElement? sysinfo)
    {
        var system = sysinfo?.Element("system");
        string Entry(string name) => system?.Elements("entry").FirstOrDefault(e => (string?)e.Attribute("name") == name)?.Value ?? "";
        return Guid.TryParse(Entry("uuid"), out var uuid)
            ? new GuestSysinfo(Entry("manufacturer"), Entry("product"), Entry("version"), Entry("serial"), uuid, Entry("family"))
            : null;
    }

    private static GuestDisk ReadDisk(XElement disk)
    {
        var driver = disk.Element("driver");
        var target = disk.Element("target") ?? throw Invalid("disk target");
        return new GuestDisk
        {
            Device = (string?)disk.Attribute("device") ?? "disk",
            SourceFile = (string?)disk.Element("source")?.Attribute("file") ?? "",
            Format = (string?)driver?.Attribute("type") ?? throw Invalid("disk driver type"),
            Cache = (string?)driver?.Attribute("cache"),
            TargetDev = (string?)target.Attribute("dev") ?? throw Invalid("disk target dev"),
            TargetBus = (string?)target.Attribute("bus") ?? throw Invalid("disk target bus"),
            ReadOnly = disk.Element("readonly") is not null,
            Serial = (string?)disk.Element("serial"),
            BackingChain = ReadChain(disk.Element("backingStore")),
        };
    }

    private static GuestInterface ReadInterface(XElement nic)
    {
        var type = (string)nic.Attribute("type")!;
        var filter = nic.Element("filterref");
        return new GuestInterface
        {
            Type = type,
            Source = type == "user" ? null : (string?)nic.Element("source")?.Attribute(type),
            Mac = (string?)nic.Element("mac")?.Attribute("address") ?? throw Invalid("interface mac"),
            Model = (string?)nic.Element("model")?.Attribute("type"),
            TargetDev = (string?)nic.Element("target")?.Attribute("dev"),
            Mtu = (int?)nic.Element("mtu")?.Attribute("size"),
            Backend = (string?)nic.Element("backend")?.Attribute("type"),
            Filter = filter is null
                ? null
                : new GuestFilter(
                    (string?)filter.Attribute("filter") ?? throw Invalid("filterref filter"),
                    filter.Elements("parameter").Select(p => ((string?)p.Attribute("name") ?? "", (string?)p.Attribute("value") ?? "")).ToList()),
            PortForwards = nic.Elements("portForward").SelectMany(ReadPortForwards).ToList(),
        };
    }

    /// <summary>One GuestPortForward per single-port range; a range without to keeps the port number in the guest.</summary>
    private static IEnumerable<GuestPortForward> ReadPortForwards(XElement forward) =>
        forward.Elements("range")
            .Where(r => (string?)r.Attribute("exclude") != "yes")
            .Select(r => new GuestPortForward(
                (string?)forward.Attribute("proto") ?? "tcp",
                (string?)forward.Attribute("address"),
                (int?)r.Attribute("start") ?? throw Invalid("portForward range start"),
                (int?)r.Attribute("to") ?? (int)r.Attribute("start")!));

    private static List<GuestBackingFile> ReadChain(XElement? store)
    {
        var chain = new List<GuestBackingFile>();
        while (store?.Element("source")?.Attribute("file") is { } file)
        {
            chain.Add(new GuestBackingFile(file.Value, (string?)store.Element("format")?.Attribute("type") ?? "raw"));
            store = store.Element("backingStore");
        }

        return chain;
    }

    /// <summary>libvirt reports memory in KiB unless a unit says otherwise.</summary>
    private static int MemoryMiB(XElement memory)
    {
        var value = long.Parse(memory.Value, CultureInfo.InvariantCulture);
        return (string?)memory.Attribute("unit") switch
        {
            "MiB" or "M" => (int)value,
            "GiB" or "G" => (int)(value * 1024),
            "b" or "bytes" => (int)(value / 1024 / 1024),
            _ => (int)(value / 1024),
        };
    }

    private static FormatException Invalid(string what) => new($"domain XML has no valid {what}");
}
