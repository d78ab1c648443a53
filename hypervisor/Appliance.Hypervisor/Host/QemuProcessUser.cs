using System.Globalization;
using System.Text.RegularExpressions;
using Appliance.Hypervisor.Interop;

namespace Appliance.Hypervisor.Host;

/// <summary>
/// The user and groups libvirt's system daemon runs QEMU as (qemu.conf's user and group, Debian's libvirt-qemu by
/// default): every directory above a guest's disks must let that user through, or the build fails with "Permission denied".
/// </summary>
public sealed partial record QemuProcessUser(string Name, uint Uid, IReadOnlySet<uint> Gids)
{
    public const string ConfigPath = "/etc/libvirt/qemu.conf";
    public const string DefaultName = "libvirt-qemu"; // Debian's build of libvirt

    /// <summary>True for the URIs whose guests run as that user: the system QEMU driver (session guests run as the caller).</summary>
    public static bool Applies(string libvirtUri) =>
        Uri.TryCreate(libvirtUri, UriKind.Absolute, out var uri) && uri.Scheme == "qemu" && uri.AbsolutePath == "/system" && uri.Host.Length == 0;

    /// <summary>This host's QEMU user; null when it can't be told (libvirt not installed, or a user not in /etc/passwd).</summary>
    public static QemuProcessUser? Read() =>
        Parse(HostFiles.ReadOrEmpty(ConfigPath), HostFiles.ReadOrEmpty("/etc/passwd"), HostFiles.ReadOrEmpty("/etc/group"));

    public static QemuProcessUser? Parse(string qemuConf, string passwd, string group)
    {
        var userName = Setting(qemuConf, "user") ?? DefaultName;
        var groupName = Setting(qemuConf, "group") ?? DefaultName;
        var users = Table(passwd);
        var groups = Table(group);
        var user = Find(users, userName);
        if (user is null || !uint.TryParse(user[2], CultureInfo.InvariantCulture, out var uid))
        {
            return null;
        }

        var gids = new HashSet<uint>();
        if (Find(groups, groupName) is { } configured && uint.TryParse(configured[2], CultureInfo.InvariantCulture, out var configuredGid))
        {
            gids.Add(configuredGid);
        }

        // libvirt also gives QEMU the user's supplementary groups (on Debian: kvm).
        foreach (var row in groups.Where(row => row.Length > 3 && row[3].Split(',').Contains(user[0])))
        {
            if (uint.TryParse(row[2], CultureInfo.InvariantCulture, out var gid))
            {
                gids.Add(gid);
            }
        }

        return new QemuProcessUser(user[0], uid, gids);
    }

    /// <summary>The first directory from / down to path that this user can't traverse, with its mode; null when all let it through.</summary>
    public (string Directory, UnixFileMode Mode)? FirstBlocked(string path)
    {
        if (Uid == 0)
        {
            return null;
        }

        var full = Path.GetFullPath(path);
        var directories = new List<string>();
        for (var dir = full; dir is not null; dir = Path.GetDirectoryName(dir))
        {
            directories.Insert(0, dir);
        }

        // Directories not made yet inherit from the last one that is; Owner is null for those.
        foreach (var dir in directories)
        {
            if (Posix.Owner(dir) is { } owner && !CanTraverse(owner.Uid, owner.Gid, owner.Mode))
            {
                return (dir, owner.Mode);
            }
        }

        return null;
    }

    public bool CanTraverse(uint ownerUid, uint ownerGid, UnixFileMode mode) =>
        ownerUid == Uid ? mode.HasFlag(UnixFileMode.UserExecute)
        : Gids.Contains(ownerGid) ? mode.HasFlag(UnixFileMode.GroupExecute)
        : mode.HasFlag(UnixFileMode.OtherExecute);

    private static string? Setting(string conf, string name) =>
        SettingLine().Matches(conf).LastOrDefault(m => m.Groups["name"].Value == name)?.Groups["value"].Value;

    private static List<string[]> Table(string text) =>
        text.Split('\n').Where(line => line.Length > 0 && line[0] != '#').Select(line => line.Split(':')).Where(row => row.Length >= 3).ToList();

    /// <summary>A name, or +N for a numeric id, as qemu.conf allows.</summary>
    private static string[]? Find(List<string[]> rows, string name) =>
        name.StartsWith('+') ? rows.FirstOrDefault(row => row[2] == name[1..]) : rows.FirstOrDefault(row => row[0] == name);

    [GeneratedRegex("""^\s*(?<name>user|group)\s*=\s*"(?<value>[^"]*)"\s*$""", RegexOptions.Multiline)]
    private static partial Regex SettingLine();
}
