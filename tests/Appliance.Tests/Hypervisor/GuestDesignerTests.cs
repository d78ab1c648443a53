using Appliance.Hypervisor.Config;
using Appliance.Hypervisor.Designer;

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

    [Fact]
    public void KernelAndRamdisk_WithoutKvm_DesignsTheGoldenTcgGuest() =>
        Assert.Equal(GoldenFile.Xml("direct-kernel-boot.xml"), GuestConfigWriter.ToXml(GuestDesigner.Design(Spec(), new HostFacts(HasKvm: false))));

    [Fact]
    public void WithKvm_DomainTypeIsKvm() =>
        Assert.Equal("kvm", GuestDesigner.Design(Spec(), new HostFacts(HasKvm: true)).VirtType);

    [Fact]
    public void NoRamdisk_BootsFromDiskWithoutKernel()
    {
        var config = GuestDesigner.Design(Spec() with { RamdiskPath = null }, new HostFacts(false));
        Assert.Null(config.Os.Kernel);
        Assert.Equal(["hd"], config.Os.BootDevices);
    }

    [Fact]
    public void NoCmdline_UsesNovasDefault() =>
        Assert.Equal(GuestDesigner.DefaultKernelCmdline, GuestDesigner.Design(Spec() with { KernelCmdline = null }, new HostFacts(false)).Os.Cmdline);

    [Fact]
    public void EveryDiskHasAFormat_AndTheConfigDriveIsAReadOnlyIdeCdrom()
    {
        var config = GuestDesigner.Design(Spec(), new HostFacts(false));
        Assert.All(config.Disks, d => Assert.False(string.IsNullOrEmpty(d.Format)));
        var cdrom = Assert.Single(config.Disks, d => d.Device == "cdrom");
        Assert.Equal(("ide", "hdd", true, "raw"), (cdrom.TargetBus, cdrom.TargetDev, cdrom.ReadOnly, cdrom.Format));
        Assert.Equal(["virtio", "virtio"], config.Disks.Where(d => d.Device == "disk").Select(d => d.TargetBus));
        Assert.Equal("127.0.0.1", config.Vnc!.Listen);
    }

    [Fact]
    public void NextVirtioName_SkipsNamesInUse_AndIgnoresTheCdrom()
    {
        var config = GuestDesigner.Design(Spec(), new HostFacts(false));
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
