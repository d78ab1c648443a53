using System.Runtime.InteropServices;
using System.Threading.Channels;
using Appliance.Hypervisor.Interop;

namespace Appliance.Hypervisor.Host;

/// <summary>
/// The one libvirt connection of the process: opened on first use, reopened when libvirt dropped it.
/// libvirt connections are thread-safe, so callers share it. Lifecycle events arrive on libvirt's
/// event thread and are handed to subscribers from a queue, so a slow subscriber never stalls libvirt.
/// From the first use on, a watch looks at the connection every <see cref="ReconnectInterval"/>: one libvirt
/// dropped (libvirtd restarted) is opened again at once, not at the next call, so lifecycle events resume by themselves.
/// </summary>
public sealed class LibvirtHost : IDisposable
{
    /// <summary>How often the watch checks the connection (a local check, no round trip) and, while it is down, tries to reopen it.</summary>
    public static readonly TimeSpan ReconnectInterval = TimeSpan.FromSeconds(1);

    private readonly Lock _gate = new();
    private readonly Channel<LifecycleEvent> _events = Channel.CreateUnbounded<LifecycleEvent>(new() { SingleReader = true });
    private static long s_liveRegistrations;
    private readonly Task _dispatcher;
    private bool _disposed;
    private LibvirtConnectionHandle? _connection;
    private int _callbackId = -1;
    private Timer? _watch;
    private bool _lost;

    public LibvirtHost(string uri)
    {
        Uri = uri;
        _dispatcher = Task.Run(DispatchEventsAsync);
    }

    public string Uri { get; }

    /// <summary>Event registrations libvirt has not yet released; tests assert it returns to its start.</summary>
    internal static long LiveEventRegistrations => Interlocked.Read(ref s_liveRegistrations);

    /// <summary>Raised in order, off libvirt's thread, for every lifecycle event of any guest.</summary>
    public event Action<LifecycleEvent>? LifecycleChanged;

    /// <summary>
    /// Raised, off libvirt's thread, when a connection was opened after libvirt had dropped the last one or did not answer
    /// at first: lifecycle events of the gap are lost, so subscribers read again what they watch.
    /// </summary>
    public event Action? Reconnected;

    /// <summary>Returns a live connection, opening or reopening it as needed.</summary>
    internal LibvirtConnectionHandle Connection()
    {
        LibvirtConnectionHandle connection;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_connection is { IsInvalid: false, IsClosed: false } && Libvirt.virConnectIsAlive(_connection) == 1)
            {
                return _connection;
            }

            // Weakly, as the event registration: a host nobody disposed can still be collected, and its timer with it.
            _watch ??= new Timer(static state =>
            {
                if (((WeakReference<LibvirtHost>)state!).TryGetTarget(out var host))
                {
                    host.Watch();
                }
            }, new WeakReference<LibvirtHost>(this), ReconnectInterval, Timeout.InfiniteTimeSpan);
            // A connection that was open and died, or a first open that failed: either way events were missed.
            _lost |= _connection is not null;
            CloseConnection();
            try
            {
                _connection = Open(Uri);
            }
            catch (HypervisorUnavailableException)
            {
                _lost = true;
                throw;
            }

            _callbackId = RegisterLifecycle(_connection);
            connection = _connection;
            if (!_lost)
            {
                return connection;
            }

            _lost = false;
        }

        ThreadPool.QueueUserWorkItem(_ => RaiseReconnected());
        return connection;
    }

    private void RaiseReconnected()
    {
        try
        {
            Reconnected?.Invoke();
        }
        catch (Exception)
        {
            // A faulty subscriber must not end the watch.
        }
    }

    /// <summary>The watch's tick: reopens a dropped connection (which registers lifecycle events again), then waits for the next tick.</summary>
    private void Watch()
    {
        try
        {
            Connection();
        }
        catch (Exception e) when (e is HypervisorUnavailableException or ObjectDisposedException)
        {
            // libvirt is still away (tried again at the next tick), or the host is gone.
        }

        lock (_gate)
        {
            if (!_disposed)
            {
                _watch?.Change(ReconnectInterval, Timeout.InfiniteTimeSpan);
            }
        }
    }

    /// <summary>Versions and type of the hypervisor behind the connection; a failed call is the driver's HypervisorOperationException.</summary>
    public HypervisorInfo Describe()
    {
        var connection = Connection();
        if (Libvirt.virConnectGetLibVersion(connection, out var libVersion) < 0)
        {
            throw OperationFailed("virConnectGetLibVersion");
        }

        if (Libvirt.virConnectGetVersion(connection, out var hypervisorVersion) < 0)
        {
            throw OperationFailed("virConnectGetVersion");
        }

        var typePtr = Libvirt.virConnectGetType(connection);
        var type = typePtr == IntPtr.Zero ? "unknown" : Marshal.PtrToStringUTF8(typePtr) ?? "unknown";
        return new HypervisorInfo(Uri, type, FormatVersion(libVersion), FormatVersion(hypervisorVersion));
    }

    /// <summary>A failed call in the driver's terms, as the driver words it: callers above the hypervisor see no libvirt error.</summary>
    private static Driver.HypervisorOperationException OperationFailed(string operation)
    {
        var error = LibvirtErrors.Capture(operation);
        return new Driver.HypervisorOperationException($"{operation} failed: {error.Message}", error);
    }

    /// <summary>The host's capabilities XML (guest domain types, arch, machines).</summary>
    public string Capabilities() =>
        NativeStrings.TakeUtf8(Libvirt.virConnectGetCapabilities(Connection())) ?? throw LibvirtErrors.Capture("virConnectGetCapabilities");

    /// <summary>The domain capabilities XML for one virt type on x86_64 (virsh domcapabilities --virttype); throws when libvirt offers none.</summary>
    public string DomainCapabilities(string virtType) =>
        NativeStrings.TakeUtf8(Libvirt.virConnectGetDomainCapabilities(Connection(), null, "x86_64", null, virtType, 0))
        ?? throw LibvirtErrors.Capture("virConnectGetDomainCapabilities");

    /// <summary>CPU count, memory and CPU model as the hypervisor reports them.</summary>
    public unsafe (int Cpus, long MemoryMiB, string Model) NodeInfo()
    {
        if (Libvirt.virNodeGetInfo(Connection(), out var info) < 0)
        {
            throw LibvirtErrors.Capture("virNodeGetInfo");
        }

        var model = Marshal.PtrToStringUTF8((IntPtr)info.Model) ?? "";
        return ((int)info.Cpus, (long)(info.MemoryKiB / 1024), model);
    }

    /// <summary>Defines (or redefines) a persistent domain from XML.</summary>
    internal Guest Define(string xml)
    {
        var handle = Libvirt.virDomainDefineXML(Connection(), xml);
        handle.Track();
        if (handle.IsInvalid)
        {
            var error = LibvirtErrors.Capture("virDomainDefineXML");
            handle.Dispose();
            throw error;
        }

        return new Guest(handle);
    }

    /// <summary>The guest with this UUID, or null when libvirt knows no such domain.</summary>
    internal Guest? Find(Guid uuid)
    {
        var handle = Libvirt.virDomainLookupByUUIDString(Connection(), uuid.ToString("D"));
        handle.Track();
        if (!handle.IsInvalid)
        {
            return new Guest(handle);
        }

        var error = LibvirtErrors.Capture("virDomainLookupByUUIDString");
        handle.Dispose();
        return error.Code == Libvirt.VIR_ERR_NO_DOMAIN ? null : throw error;
    }

    /// <summary>The guest with this UUID; a missing one is the driver's InstanceNotFoundException.</summary>
    internal Guest Get(Guid uuid) => Find(uuid) ?? throw new Driver.InstanceNotFoundException(uuid);

    /// <summary>Every domain, running or not; the caller disposes each.</summary>
    internal unsafe List<Guest> ListAll()
    {
        var count = Libvirt.virConnectListAllDomains(Connection(), out var array, 0);
        if (count < 0)
        {
            throw LibvirtErrors.Capture("virConnectListAllDomains");
        }

        var guests = new List<Guest>(count);
        try
        {
            var pointers = (IntPtr*)array;
            for (var i = 0; i < count; i++)
            {
                guests.Add(new Guest(new LibvirtDomainHandle(pointers[i])));
            }
        }
        finally
        {
            NativeMemory.Free((void*)array);
        }

        return guests;
    }

    /// <summary>Defines (or redefines) a persistent network from XML; a running one keeps its live state until it restarts.</summary>
    internal LibvirtNetwork DefineNetwork(string xml)
    {
        var handle = Libvirt.virNetworkDefineXML(Connection(), xml);
        handle.Track();
        if (handle.IsInvalid)
        {
            var error = LibvirtErrors.Capture("virNetworkDefineXML");
            handle.Dispose();
            throw error;
        }

        return new LibvirtNetwork(handle);
    }

    /// <summary>The network with this name, or null when libvirt knows no such network.</summary>
    internal LibvirtNetwork? FindNetwork(string name)
    {
        var handle = Libvirt.virNetworkLookupByName(Connection(), name);
        handle.Track();
        if (!handle.IsInvalid)
        {
            return new LibvirtNetwork(handle);
        }

        var error = LibvirtErrors.Capture("virNetworkLookupByName");
        handle.Dispose();
        return error.Code == Libvirt.VIR_ERR_NO_NETWORK ? null : throw error;
    }

    /// <summary>Defines (or redefines, same name and uuid) a network filter; libvirt re-applies a redefined one to the running guests using it.</summary>
    internal void DefineNetworkFilter(string xml) => NetworkFilterGate.FilterChange(() =>
    {
        using var handle = Libvirt.virNWFilterDefineXML(Connection(), xml);
        handle.Track();
        if (handle.IsInvalid)
        {
            throw LibvirtErrors.Capture("virNWFilterDefineXML");
        }
    });

    /// <summary>The filter's XML, or null when libvirt knows no such filter.</summary>
    internal string? NetworkFilterXml(string name)
    {
        using var handle = Libvirt.virNWFilterLookupByName(Connection(), name);
        handle.Track();
        if (handle.IsInvalid)
        {
            var error = LibvirtErrors.Capture("virNWFilterLookupByName");
            return error.Code == Libvirt.VIR_ERR_NO_NWFILTER ? null : throw error;
        }

        return NativeStrings.TakeUtf8(Libvirt.virNWFilterGetXMLDesc(handle, 0)) ?? throw LibvirtErrors.Capture("virNWFilterGetXMLDesc");
    }

    /// <summary>Undefines the filter; a missing one is not an error. libvirt refuses while a running guest or another filter uses it.</summary>
    internal void UndefineNetworkFilter(string name)
    {
        using var handle = Libvirt.virNWFilterLookupByName(Connection(), name);
        handle.Track();
        if (handle.IsInvalid)
        {
            var error = LibvirtErrors.Capture("virNWFilterLookupByName");
            if (error.Code == Libvirt.VIR_ERR_NO_NWFILTER)
            {
                return;
            }

            throw error;
        }

        NetworkFilterGate.FilterChange(() =>
        {
            if (Libvirt.virNWFilterUndefine(handle) < 0)
            {
                throw LibvirtErrors.Capture("virNWFilterUndefine");
            }
        });
    }

    /// <summary>The names of every network filter.</summary>
    internal unsafe List<string> ListNetworkFilters()
    {
        var count = Libvirt.virConnectListAllNWFilters(Connection(), out var array, 0);
        if (count < 0)
        {
            throw LibvirtErrors.Capture("virConnectListAllNWFilters");
        }

        var names = new List<string>(count);
        try
        {
            var pointers = (IntPtr*)array;
            for (var i = 0; i < count; i++)
            {
                using var handle = new LibvirtNWFilterHandle(pointers[i]);
                names.Add(Marshal.PtrToStringUTF8(Libvirt.virNWFilterGetName(handle)) ?? "");
            }
        }
        finally
        {
            NativeMemory.Free((void*)array);
        }

        return names;
    }

    /// <summary>Every network, running or not; the caller disposes each.</summary>
    internal unsafe List<LibvirtNetwork> ListAllNetworks()
    {
        var count = Libvirt.virConnectListAllNetworks(Connection(), out var array, 0);
        if (count < 0)
        {
            throw LibvirtErrors.Capture("virConnectListAllNetworks");
        }

        var networks = new List<LibvirtNetwork>(count);
        try
        {
            var pointers = (IntPtr*)array;
            for (var i = 0; i < count; i++)
            {
                networks.Add(new LibvirtNetwork(new LibvirtNetworkHandle(pointers[i])));
            }
        }
        finally
        {
            NativeMemory.Free((void*)array);
        }

        return networks;
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _watch?.Dispose();
            CloseConnection();
        }

        _events.Writer.TryComplete();
        _dispatcher.Wait(TimeSpan.FromSeconds(5));
    }

    private void CloseConnection()
    {
        if (_connection is null)
        {
            return;
        }

        if (_callbackId >= 0 && !_connection.IsClosed)
        {
            // A dead connection refuses deregistration; closing it drops the callback anyway.
            if (Libvirt.virConnectDomainEventDeregisterAny(_connection, _callbackId) < 0)
            {
                Libvirt.virResetLastError();
            }
        }

        _callbackId = -1;
        _connection.Dispose();
        _connection = null;
    }

    private unsafe int RegisterLifecycle(LibvirtConnectionHandle connection)
    {
        // Weak, so a forgotten host can still be collected; libvirt frees it through FreeOpaque once no callback can run.
        var self = GCHandle.Alloc(this, GCHandleType.Weak);
        var id = Libvirt.virConnectDomainEventRegisterAny(
            connection, IntPtr.Zero, Libvirt.VIR_DOMAIN_EVENT_ID_LIFECYCLE, &OnLifecycle, GCHandle.ToIntPtr(self), (IntPtr)(delegate* unmanaged<IntPtr, void>)&FreeOpaque);
        if (id < 0)
        {
            // Events are an aid, not a requirement: power states are also polled.
            Libvirt.virResetLastError();
            self.Free();
        }
        else
        {
            Interlocked.Increment(ref s_liveRegistrations);
        }

        return id;
    }

    /// <summary>libvirt's free callback for the opaque pointer: called after the last possible lifecycle callback.</summary>
    [UnmanagedCallersOnly]
    private static void FreeOpaque(IntPtr opaque)
    {
        try
        {
            GCHandle.FromIntPtr(opaque).Free();
            Interlocked.Decrement(ref s_liveRegistrations);
        }
        catch (Exception)
        {
            // Never throw into libvirt.
        }
    }

    /// <summary>Called by libvirt on its event thread; it must never throw back into C.</summary>
    [UnmanagedCallersOnly]
    private static int OnLifecycle(IntPtr conn, IntPtr dom, int eventType, int detail, IntPtr opaque)
    {
        try
        {
            if (GCHandle.FromIntPtr(opaque).Target is LibvirtHost host)
            {
                host.Enqueue(dom, eventType, detail);
            }
        }
        catch (Exception)
        {
            // Swallowed: an exception crossing into libvirt would crash the process.
        }

        return 0;
    }

    private unsafe void Enqueue(IntPtr dom, int eventType, int detail)
    {
        var buffer = stackalloc byte[37];
        if (Libvirt.virDomainGetUUIDString(dom, buffer) < 0)
        {
            Libvirt.virResetLastError();
            return;
        }

        var uuid = Guid.Parse(new ReadOnlySpan<byte>(buffer, 36));
        var namePtr = Libvirt.virDomainGetName(dom);
        var name = Marshal.PtrToStringUTF8(namePtr) ?? "";
        _events.Writer.TryWrite(new LifecycleEvent(uuid, name, (LifecycleTransition)eventType, detail, DateTimeOffset.UtcNow));
    }

    private async Task DispatchEventsAsync()
    {
        await foreach (var lifecycleEvent in _events.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                LifecycleChanged?.Invoke(lifecycleEvent);
            }
            catch (Exception)
            {
                // One faulty subscriber must not end delivery to the others.
            }
        }
    }

    private static LibvirtConnectionHandle Open(string uri)
    {
        try
        {
            LibvirtErrors.Silence();
            LibvirtEventLoop.EnsureRunning();
            var handle = Libvirt.virConnectOpen(uri);
            handle.Track();
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
