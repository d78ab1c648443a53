using Appliance.Hypervisor.Config;

namespace Appliance.Tests.Hypervisor;

public sealed class GuestConfigXmlTests
{
    internal static GuestConfig DirectKernelBoot() => new()
    {
        VirtType = "qemu",
        Name = "instance-1",
        Uuid = Guid.Parse("6f1d7c2e-0a4b-4c38-9d61-2b7c1e5a9f10"),
        MemoryMiB = 256,
        VCpus = 1,
        Sysinfo = new GuestSysinfo("OpenStack Foundation", "OpenStack Nova", "0.1.0", "6f1d7c2e-0a4b-4c38-9d61-2b7c1e5a9f10",
            Guid.Parse("6f1d7c2e-0a4b-4c38-9d61-2b7c1e5a9f10"), "Virtual Machine"),
        Os = new GuestOs
        {
            Machine = "pc",
            Kernel = "/data/_base/kernel",
            Initrd = "/data/_base/ramdisk",
            Cmdline = "console=ttyS0",
        },
        Disks =
        [
            new GuestDisk
            {
                SourceFile = "/data/instances/6f1d7c2e/disk",
                Format = "qcow2",
                Cache = "writeback",
                TargetDev = "vda",
                TargetBus = "virtio",
                BackingChain = [new GuestBackingFile("/data/_base/abc", "raw")],
            },
            new GuestDisk
            {
                SourceFile = "/data/instances/6f1d7c2e/disk.swap",
                Format = "raw",
                Cache = "writeback",
                TargetDev = "vdb",
                TargetBus = "virtio",
            },
            new GuestDisk
            {
                Device = "cdrom",
                SourceFile = "/data/instances/6f1d7c2e/disk.config",
                Format = "raw",
                TargetDev = "hdd",
                TargetBus = "ide",
                ReadOnly = true,
            },
        ],
        SerialLogPath = "/data/instances/6f1d7c2e/console.log",
        Vnc = new GuestVnc(),
    };

    internal static GuestConfig BootFromDisk() => new()
    {
        VirtType = "kvm",
        Name = "instance-2",
        Uuid = Guid.Parse("0b0e9a57-3f0e-4a53-8d3e-5e6a1c2b7d44"),
        MemoryMiB = 512,
        VCpus = 2,
        Os = new GuestOs { Machine = "pc", BootDevices = ["hd"] },
        Disks =
        [
            new GuestDisk
            {
                SourceFile = "/data/volumes/vol-1",
                Format = "qcow2",
                TargetDev = "vda",
                TargetBus = "virtio",
                Serial = "vol-1",
            },
        ],
    };

    [Fact]
    public void DirectKernelBoot_MatchesGoldenXml() =>
        Assert.Equal(GoldenFile.Xml("direct-kernel-boot.xml"), GuestConfigWriter.ToXml(DirectKernelBoot()));

    [Fact]
    public void BootFromDisk_MatchesGoldenXml() =>
        Assert.Equal(GoldenFile.Xml("boot-from-disk.xml"), GuestConfigWriter.ToXml(BootFromDisk()));

    [Fact]
    public void GoldenXml_ReadsBackToTheSameConfig()
    {
        var expected = DirectKernelBoot();
        var read = GuestConfigReader.FromXml(File.ReadAllText(GoldenFile.Path("direct-kernel-boot.xml")));
        Assert.Equal(GuestConfigWriter.ToXml(expected), GuestConfigWriter.ToXml(read));
        Assert.Equal(expected.Disks[0].BackingChain, read.Disks[0].BackingChain);
    }

    [Fact]
    public void GoldenNics_ReadBackToTheSameConfig()
    {
        var golden = File.ReadAllText(GoldenFile.Path("network-interfaces.xml"));
        var read = GuestConfigReader.FromXml(golden);
        Assert.Equal(["network", "bridge", "user"], read.Interfaces.Select(i => i.Type));
        Assert.Equal([("IP", "10.0.0.11"), ("IP", "10.0.0.12")], read.Interfaces[0].Filter!.Parameters);
        Assert.Equal(new GuestPortForward("tcp", "127.0.0.1", 2222, 22), Assert.Single(read.Interfaces[2].PortForwards));
        Assert.Equal(GoldenFile.Xml("network-interfaces.xml"), GuestConfigWriter.ToXml(read));
    }

    [Fact]
    public void GoldenSlirpNic_ReadsBackFromQemusCommandLine_ToTheSameConfig()
    {
        var read = GuestConfigReader.FromXml(File.ReadAllText(GoldenFile.Path("user-mode-slirp.xml")));

        var nic = Assert.Single(read.QemuUserNics);
        Assert.Equal(("user-fa163e000003", "fa:16:3e:00:00:03", 0x1f, "10.0.2.0/24", "10.0.2.16"), (nic.Id, nic.Mac, nic.Slot, nic.Net, nic.DhcpStart));
        Assert.Equal(new GuestPortForward("tcp", "127.0.0.1", 2222, 22), Assert.Single(nic.PortForwards));
        Assert.Equal(GoldenFile.Xml("user-mode-slirp.xml"), GuestConfigWriter.ToXml(read));
    }

    [Fact]
    public void QemuArgs_ThatAreNotAUserNicWithItsDevice_AreNotRead() =>
        Assert.Empty(QemuUserNicArgs.FromArgs(["-netdev", "user,id=a", "-device", "virtio-net-pci,netdev=b,mac=fa:16:3e:00:00:09", "-netdev", "tap,id=b", "-s"]));

    [Fact]
    public void Reader_TakesLibvirtsLiveInterfaces_AndSkipsKindsTheApplianceNeverWrites()
    {
        var xml = """
            <domain type='kvm' id='3'>
              <name>n</name><uuid>0b0e9a57-3f0e-4a53-8d3e-5e6a1c2b7d44</uuid><memory unit='KiB'>262144</memory>
              <os><type arch='x86_64' machine='pc-i440fx-7.2'>hvm</type></os>
              <devices>
                <interface type='network'>
                  <mac address='fa:16:3e:00:00:01'/>
                  <source network='appliance-net' portid='5e6f7a8b-1c2d-4e3f-8a4b-5c6d7e8f9a0b' bridge='aplbr0'/>
                  <target dev='tap1a2b3c4d-5e'/>
                  <model type='virtio'/>
                  <mtu size='1450'/>
                  <alias name='net0'/>
                  <address type='pci' domain='0x0000' bus='0x00' slot='0x03' function='0x0'/>
                </interface>
                <interface type='direct'><mac address='fa:16:3e:00:00:09'/><source dev='eth0' mode='vepa'/></interface>
              </devices>
            </domain>
            """;
        var nic = Assert.Single(GuestConfigReader.FromXml(xml).Interfaces);
        Assert.Equal(("network", "appliance-net", "fa:16:3e:00:00:01", "tap1a2b3c4d-5e", 1450), (nic.Type, nic.Source, nic.Mac, nic.TargetDev, nic.Mtu));
        Assert.Null(nic.Filter);
    }

    [Fact]
    public void Reader_UnderstandsLibvirtsKiBMemoryAndExtraElements()
    {
        var xml = """
            <domain type='kvm' id='3'>
              <name>n</name><uuid>0b0e9a57-3f0e-4a53-8d3e-5e6a1c2b7d44</uuid>
              <memory unit='KiB'>262144</memory><currentMemory unit='KiB'>262144</currentMemory>
              <vcpu placement='static'>1</vcpu>
              <os><type arch='x86_64' machine='pc-i440fx-7.2'>hvm</type><boot dev='hd'/></os>
              <devices><emulator>/usr/bin/qemu-system-x86_64</emulator><video/></devices>
            </domain>
            """;
        var config = GuestConfigReader.FromXml(xml);
        Assert.Equal(256, config.MemoryMiB);
        Assert.Equal("pc-i440fx-7.2", config.Os.Machine);
        Assert.Equal(["hd"], config.Os.BootDevices);
        Assert.Empty(config.Disks);
        Assert.Null(config.SerialLogPath);
    }
}

[Collection(LibvirtCollection.Name)]
public sealed class GuestConfigLibvirtTests
{
    [SkippableFact]
    public void WrittenXml_IsAcceptedByLibvirt_AndKeepsDisksAndChain()
    {
        LibvirtAvailability.RequireLibrary();
        using var host = new Appliance.Hypervisor.Host.LibvirtHost(LibvirtAvailability.TestUri);
        var uuid = Guid.NewGuid();
        var golden = GuestConfigXmlTests.DirectKernelBoot();
        var config = golden with
        {
            Name = $"appliance-test-{Guid.NewGuid():N}",
            Uuid = uuid,
            Sysinfo = golden.Sysinfo! with { Uuid = uuid, Serial = uuid.ToString("D") }, // libvirt refuses a sysinfo uuid that differs
        };
        using var guest = host.Define(GuestConfigWriter.ToXml(config));
        try
        {
            var back = GuestConfigReader.FromXml(guest.XmlDesc());
            Assert.Equal(config.Disks, back.Disks, (a, b) =>
                a.SourceFile == b.SourceFile && a.Format == b.Format && a.TargetDev == b.TargetDev
                && a.BackingChain.SequenceEqual(b.BackingChain));
            Assert.Equal(config.Os.Kernel, back.Os.Kernel);
            Assert.Equal(config.Sysinfo, back.Sysinfo);
            Assert.Equal(config.SerialLogPath, back.SerialLogPath);
            Assert.Equal(config.MemoryMiB, back.MemoryMiB);
        }
        finally
        {
            guest.Undefine();
        }
    }
}
