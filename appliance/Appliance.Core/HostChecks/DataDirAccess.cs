using Appliance.Hypervisor.Host;

namespace Appliance.Core.HostChecks;

/// <summary>Whether libvirt's QEMU user can reach the disks under the data dir: a 0700 directory above them fails every build.</summary>
public static class DataDirAccess
{
    /// <summary>Why guests' disks under dataDir can't be opened by QEMU, with the fix; null when they can or it doesn't apply.</summary>
    public static string? Problem(string dataDir, string libvirtUri)
    {
        if (!QemuProcessUser.Applies(libvirtUri) || QemuProcessUser.Read() is not { } user)
        {
            return null;
        }

        return user.FirstBlocked(dataDir) is { } blocked
            ? $"data dir {dataDir} can't be reached by libvirt's QEMU user {user.Name}: {blocked.Directory} has mode {Octal(blocked.Mode)}; " +
              $"fix: chmod o+x {blocked.Directory} (or use a data dir under /var/lib)"
            : null;
    }

    private static string Octal(UnixFileMode mode) => Convert.ToString((int)mode, 8).PadLeft(4, '0');
}
