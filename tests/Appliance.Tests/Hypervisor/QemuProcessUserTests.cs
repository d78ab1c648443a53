using Appliance.Hypervisor.Disks;
using Appliance.Hypervisor.Host;
using Appliance.Tests.Hosting;

namespace Appliance.Tests.Hypervisor;

/// <summary>Who QEMU runs as under qemu:///system, and whether that user can reach a data dir.</summary>
public sealed class QemuProcessUserTests
{
    private const string Passwd = "root:x:0:0:root:/root:/bin/bash\nlibvirt-qemu:x:64055:107:Libvirt Qemu,,,:/var/lib/libvirt:/usr/sbin/nologin\nqemu:x:107:107::/:/bin/false\n";
    private const string Group = "root:x:0:\nkvm:x:107:libvirt-qemu\nlibvirt-qemu:x:64055:libvirt-qemu\nlibvirt:x:110:\n";

    [Fact]
    public void Debian_Default_IsLibvirtQemu_WithItsGroupAndKvm()
    {
        var user = QemuProcessUser.Parse("#user = \"libvirt-qemu\"\n#group = \"libvirt-qemu\"\n", Passwd, Group)!;

        Assert.Equal(("libvirt-qemu", 64055u), (user.Name, user.Uid));
        Assert.Equal([107u, 64055u], user.Gids.Order());
    }

    [Fact]
    public void QemuConf_UserAndGroup_Win_AndPlusNumbersAreIds()
    {
        var user = QemuProcessUser.Parse("user = \"+107\"\n group = \"libvirt\"\n", Passwd, Group)!;

        Assert.Equal(("qemu", 107u), (user.Name, user.Uid));
        Assert.Contains(110u, user.Gids);
    }

    [Fact]
    public void UnknownUser_IsNull_SoNothingIsRefusedOnAGuess() =>
        Assert.Null(QemuProcessUser.Parse("user = \"nobody-here\"\n", Passwd, Group));

    [Theory]
    [InlineData(64055u, 0u, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, true)]
    [InlineData(0u, 107u, UnixFileMode.UserExecute | UnixFileMode.GroupExecute, true)]
    [InlineData(0u, 0u, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, false)]
    [InlineData(0u, 0u, UnixFileMode.UserExecute | UnixFileMode.OtherExecute, true)]
    [InlineData(64055u, 0u, UnixFileMode.OtherExecute, false)] // the owner's own bits decide, as the kernel does
    public void Traversal_FollowsOwnerThenGroupThenOther(uint ownerUid, uint ownerGid, UnixFileMode mode, bool expected) =>
        Assert.Equal(expected, QemuProcessUser.Parse("", Passwd, Group)!.CanTraverse(ownerUid, ownerGid, mode));

    [Fact]
    public void FirstBlocked_NamesThe0700DirectoryAboveTheDataDir_AndNothingOnceItIsOpened()
    {
        using var dir = new TempDataDir();
        var dataDir = Path.Combine(dir.Path, "data");
        Directory.CreateDirectory(dataDir);
        HypervisorPaths.SetMode(dir.Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var stranger = new QemuProcessUser("stranger", 4_000_000_000, new HashSet<uint> { 4_000_000_000 });

        var blocked = stranger.FirstBlocked(dataDir);

        Assert.Equal((dir.Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute), blocked);
        HypervisorPaths.SetMode(dir.Path, HypervisorPaths.TraversableMode);
        Assert.Null(stranger.FirstBlocked(Path.Combine(dataDir, "not-made-yet")));
    }

    [Theory]
    [InlineData("qemu:///system", true)]
    [InlineData("qemu:///session", false)]
    [InlineData("qemu+ssh://host/system", false)]
    [InlineData("test:///default", false)]
    public void Applies_OnlyToTheLocalSystemDriver(string uri, bool expected) => Assert.Equal(expected, QemuProcessUser.Applies(uri));
}
