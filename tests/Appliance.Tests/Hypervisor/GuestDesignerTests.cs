using System.Xml.Linq;
using Appliance.Hypervisor.Config;
using Appliance.Hypervisor.Designer;
using Appliance.Hypervisor.Networking;

namespace Appliance.Tests.Hypervisor;

public sealed class GuestDesignerTests
{
    private static GuestSpec Spec() => new()
    {
        Uuid = Guid.Parse("6f1d7c2e-0a4b-4c38-9d61-2b7c1e5a9f10"),
        Name = "instance-1",
        MemoryMiB = 256,
        VCpus = 1,
        Disks =
        [
            new GuestSpecDisk("/data/instances/6f1d7c2e/disk", "qcow2") { BackingChain = [("/data/_base/abc", "raw")] },
            new GuestSpecDisk("/data/instances/6f1d7c2e/disk.swap", "raw"),
        ],
        ConfigDrivePath = "/data/instances/6f1d7c2e/disk.config",
        KernelPath = "/data/_base/kernel",
        RamdiskPath = "/data/_base/ramdisk",
        KernelCmdline = "console=ttyS0",
        ConsoleLogPath = "/data/instances/6f1d7c2e/console.log",
    };

    /// <summary>One NIC of each kind: on a network with anti-spoofing, on a host bridge, user-mode with a forward.</summary>
    internal static IReadOnlyList<GuestNic> Nics() =>
    [
        new GuestNic
        {
            Mac = "fa:16:3e:00:00:01",
            Source = GuestNicSource.Network("appliance-net"),
            PortId = Guid.Parse("1a2b3c4d-5e6f-4a1b-8c2d-3e4f5a6b7c8d"),
            Mtu = 1450,
            AllowedAddresses = ["10.0.0.11", "10.0.0.12"],
        },
        new GuestNic { Mac = "fa:16:3e:00:00:02", Source = GuestNicSource.Bridge("br0"), PortId = Guid.Parse("2b3c4d5e-6f7a-4b2c-9d3e-4f5a6b7c8d9e") },
        new GuestNic
        {
            Mac = "fa:16:3e:00:00:03",
            Source = GuestNicSource.User,
            PortId = Guid.Parse("3c4d5e6f-7a8b-4c3d-8e4f-5a6b7c8d9e0f"),
            // Ignored for user-mode: passt has no host device to filter.
            AllowedAddresses = ["10.0.0.13"],
            Forwards = [new PortForward("127.0.0.1", 2222, 22)],
        },
    ];

    // The version is pinned so the golden files don't change with each release.
    private static readonly HostFacts Tcg = HostFacts.Tcg with { ProductVersion = "0.1.0" };
    private static readonly HostFacts Kvm = HostFacts.Kvm with { ProductVersion = "0.1.0" };

    [Fact]
    public void KernelAndRamdisk_UnderTcg_DesignsTheGoldenTcgGuest_WithNovasSysinfoAndQemusOwnCpu() =>
        Assert.Equal(GoldenFile.Xml("direct-kernel-boot.xml"), GuestConfigWriter.ToXml(GuestDesigner.Design(Spec(), Tcg)));

    [Fact]
    public void Nics_FollowTheDisks_InPortOrder_AsTheGoldenGuestShowsThem() =>
        Assert.Equal(GoldenFile.Xml("network-interfaces.xml"), GuestConfigWriter.ToXml(GuestDesigner.Design(Spec() with { Nics = Nics() }, Tcg)));

    /// <summary>Where libvirt has no passt (Debian 12's 9.0.0): the user-mode NIC is QEMU's SLIRP with hostfwd, on QEMU's command line.</summary>
    [Fact]
    public void Nics_OnAHostWithoutPasst_PutTheUserNicOnQemusSlirp_AsTheGoldenGuestShowsIt()
    {
        var nics = Nics().Select(n => n.Source.Kind == GuestNicKind.User ? n with { UserAddress = new UserModeAddress("10.0.2.0/24", "10.0.2.16") } : n).ToList();
        var config = GuestDesigner.Design(Spec() with { Nics = nics }, Tcg with { UserMode = UserModeBackend.QemuSlirp });

        Assert.Equal(["network", "bridge"], config.Interfaces.Select(i => i.Type));
        Assert.Equal(GoldenFile.Xml("user-mode-slirp.xml"), GuestConfigWriter.ToXml(config));
    }

    [Fact]
    public void TwoSlirpNics_TakeTheHighSlots_DownFromTheLast()
    {
        var user = Nics()[2];
        var config = GuestDesigner.Design(Spec() with { Nics = [user, user with { Mac = "fa:16:3e:00:00:04" }] }, Tcg with { UserMode = UserModeBackend.QemuSlirp });

        Assert.Equal([(0x1f, "user-fa163e000003"), (0x1e, "user-fa163e000004")], config.QemuUserNics.Select(n => (n.Slot, n.Id)));
        Assert.Empty(config.Interfaces);
    }

    [Fact]
    public void NoNics_NoInterfaces() => Assert.Empty(GuestDesigner.Design(Spec(), Tcg).Interfaces);

    [Fact]
    public void ANicWithoutAllowedAddresses_HasNoFilter()
    {
        var nic = Nics()[0] with { AllowedAddresses = [] };
        Assert.Null(GuestDesigner.Interface(nic).Filter);
        Assert.DoesNotContain("filterref", GuestConfigWriter.ToXml(GuestDesigner.Interface(nic)));
    }

    [Fact]
    public void UnderKvm_DesignsTheGoldenKvmGuest_WithHostModelCpuAndNovasSysinfo() =>
        Assert.Equal(GoldenFile.Xml("kvm-host-model.xml"), GuestConfigWriter.ToXml(GuestDesigner.Design(Spec(), Kvm)));

    [Theory]
    [InlineData(CpuMode.HostPassthrough, null, """<cpu mode="host-passthrough" />""")]
    [InlineData(CpuMode.Custom, "Haswell-noTSX", """<cpu mode="custom" match="exact"><model>Haswell-noTSX</model></cpu>""")]
    public void UnderKvm_OtherCpuModes_AreWrittenAsNovaWritesThem(CpuMode mode, string? model, string expected)
    {
        var domain = XElement.Parse(GuestConfigWriter.ToXml(GuestDesigner.Design(Spec(), Kvm with { Cpu = new CpuPolicy(mode, model) })));
        Assert.Equal(XElement.Parse(expected).ToString(), domain.Element("cpu")!.ToString());
    }

    [Fact]
    public void UnderKvm_CpuModeNone_LeavesTheCpuToTheHypervisor() =>
        Assert.Null(GuestDesigner.Design(Spec(), Kvm with { Cpu = new CpuPolicy(CpuMode.None) }).Cpu);

    [Fact]
    public void UnderTcg_TheCpuModeIsIgnored() =>
        Assert.Null(GuestDesigner.Design(Spec(), Tcg with { Cpu = new CpuPolicy(CpuMode.HostPassthrough) }).Cpu);

    [Fact]
    public void Sysinfo_ReadsBackFromTheXml_AsWritten()
    {
        var config = GuestDesigner.Design(Spec(), Kvm);
        var read = GuestConfigReader.FromXml(GuestConfigWriter.ToXml(config));
        Assert.Equal(config.Sysinfo, read.Sysinfo);
        Assert.Equal(config.Cpu, read.Cpu);
        Assert.Equal(Spec().Uuid, read.Sysinfo!.Uuid);
    }

    [Fact]
    public void NoRamdisk_BootsFromDiskWithoutKernel()
    {
        var config = GuestDesigner.Design(Spec() with { RamdiskPath = null }, HostFacts.Tcg);
        Assert.Null(config.Os.Kernel);
        Assert.Equal(["hd"], config.Os.BootDevices);
    }

    [Fact]
    public void NoCmdline_UsesNovasDefault() =>
        Assert.Equal(GuestDesigner.DefaultKernelCmdline, GuestDesigner.Design(Spec() with { KernelCmdline = null }, HostFacts.Tcg).Os.Cmdline);

    [Fact]
    public void EveryDiskHasAFormat_AndTheConfigDriveIsAReadOnlyIdeCdrom()
    {
        var config = GuestDesigner.Design(Spec(), HostFacts.Tcg);
        Assert.All(config.Disks, d => Assert.False(string.IsNullOrEmpty(d.Format)));
        var cdrom = Assert.Single(config.Disks, d => d.Device == "cdrom");
        Assert.Equal(("ide", "hdd", true, "raw"), (cdrom.TargetBus, cdrom.TargetDev, cdrom.ReadOnly, cdrom.Format));
        Assert.Equal(["virtio", "virtio"], config.Disks.Where(d => d.Device == "disk").Select(d => d.TargetBus));
        Assert.Equal("127.0.0.1", config.Vnc!.Listen);
    }

    [Fact]
    public void NextVirtioName_SkipsNamesInUse_AndIgnoresTheCdrom()
    {
        var config = GuestDesigner.Design(Spec(), HostFacts.Tcg);
        Assert.Equal("vdc", GuestDesigner.NextVirtioName(config.Disks));
        Assert.Equal("vda", GuestDesigner.NextVirtioName([]));
    }

    [Theory]
    [InlineData(0, "vda")]
    [InlineData(1, "vdb")]
    [InlineData(25, "vdz")]
    [InlineData(26, "vdaa")]
    public void VirtioNames_FollowTheKernel(int index, string name) => Assert.Equal(name, GuestDesigner.VirtioName(index));
}
