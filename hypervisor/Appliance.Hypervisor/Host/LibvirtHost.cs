using System.Runtime.InteropServices;
using Appliance.Hypervisor.Interop;

namespace Appliance.Hypervisor.Host;

/// <summary>
/// The one libvirt connection of the process: opened on first use, reopened when libvirt dropped it.
/// libvirt connections are thread-safe, so callers share it.
/// </summary>
public sealed class LibvirtHost(string uri) : IDisposable
{
    private readonly Lock _gate = new();
    private LibvirtConnectionHandle? _connection;

    public string Uri { get; } = uri;

    /// <summary>Returns a live connection, opening or reopening it as needed.</summary>
    internal LibvirtConnectionHandle Connection()
    {
        lock (_gate)
        {
            if (_connection is { IsInvalid: false, IsClosed: false } && Libvirt.virConnectIsAlive(_connection) == 1)
            {
                return _connection;
            }

            _connection?.Dispose();
            _connection = Open(Uri);
            return _connection;
        }
    }

    /// <summary>Versions and type of the hypervisor behind the connection.</summary>
    public HypervisorInfo Describe()
    {
        var connection = Connection();
        if (Libvirt.virConnectGetLibVersion(connection, out var libVersion) < 0)
        {
            throw LibvirtErrors.Capture("virConnectGetLibVersion");
        }

        if (Libvirt.virConnectGetVersion(connection, out var hypervisorVersion) < 0)
        {
            throw LibvirtErrors.Capture("virConnectGetVersion");
        }

        var typePtr = Libvirt.virConnectGetType(connection);
        var type = typePtr == IntPtr.Zero ? "unknown" : Marshal.PtrToStringUTF8(typePtr) ?? "unknown";
        return new HypervisorInfo(Uri, type, FormatVersion(libVersion), FormatVersion(hypervisorVersion));
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _connection?.Dispose();
            _connection = null;
        }
    }

    private static LibvirtConnectionHandle Open(string uri)
    {
        try
        {
            LibvirtErrors.Silence();
            var handle = Libvirt.virConnectOpen(uri);
            if (handle.IsInvalid)
            {
                var error = LibvirtErrors.Capture("virConnectOpen");
                handle.Dispose();
                throw new HypervisorUnavailableException($"cannot connect to libvirt at {uri}: {error.Message}", error);
            }

            return handle;
        }
        catch (DllNotFoundException e)
        {
            throw new HypervisorUnavailableException(
                "libvirt.so.0 was not found: install the Debian package libvirt0 (sudo ./install.sh --deps-only)", e);
        }
    }

    /// <summary>libvirt encodes versions as major * 1,000,000 + minor * 1,000 + release.</summary>
    internal static string FormatVersion(ulong version) =>
        version == 0 ? "" : $"{version / 1_000_000}.{version / 1_000 % 1_000}.{version % 1_000}";
}
