using System.Runtime.InteropServices;
using Appliance.Hypervisor.Host;

namespace Appliance.Tests.Hypervisor;

/// <summary>Why a libvirt-backed test cannot run here, or null when it can.</summary>
internal static class LibvirtAvailability
{
    public const string TestUri = "test:///default";
    public const string SystemUri = "qemu:///system";

    /// <summary>Skips the calling test, saying why, when libvirt.so.0 cannot load.</summary>
    public static void RequireLibrary()
    {
        var reason = MissingLibrary();
        Skip.If(reason is not null, reason);
    }

    /// <summary>Skips the calling test, saying why, when qemu:///system does not answer.</summary>
    public static void RequireSystem()
    {
        var reason = UnreachableSystem();
        Skip.If(reason is not null, reason);
    }

    public static string? MissingLibrary() =>
        NativeLibrary.TryLoad("libvirt.so.0", out var library)
            ? Release(library)
            : "libvirt.so.0 is not installed (Debian package libvirt0)";

    public static string? UnreachableSystem()
    {
        if (MissingLibrary() is { } missing)
        {
            return missing;
        }

        try
        {
            using var host = new LibvirtHost(SystemUri);
            host.Describe();
            return null;
        }
        catch (Exception e)
        {
            return $"{SystemUri} is unreachable ({e.Message}); start it with `virtlogd -d && libvirtd -d`";
        }
    }

    private static string? Release(IntPtr library)
    {
        NativeLibrary.Free(library);
        return null;
    }
}
