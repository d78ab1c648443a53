using System.Runtime.InteropServices;

namespace Appliance.Hypervisor.Interop;

/// <summary>The few libc calls .NET has no API for.</summary>
internal static partial class Posix
{
    private const int AtFdCwd = -100;
    private const uint StatxBasicStats = 0x7ff;

    // struct statx has one layout on every architecture (unlike struct stat): uid at 20, gid at 24, mode at 28, 256 bytes in all.
    private const int StatxSize = 256;

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int StatxNative(int dirfd, string path, int flags, uint mask, byte* buffer);

    /// <summary>Owner, group and permission bits of a path (following symlinks); null when it can't be read.</summary>
    public static unsafe (uint Uid, uint Gid, UnixFileMode Mode)? Owner(string path)
    {
        var buffer = stackalloc byte[StatxSize];
        if (StatxNative(AtFdCwd, path, 0, StatxBasicStats, buffer) != 0)
        {
            return null;
        }

        return (*(uint*)(buffer + 20), *(uint*)(buffer + 24), (UnixFileMode)(*(ushort*)(buffer + 28) & 0xfff));
    }
}
