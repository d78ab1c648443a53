namespace Appliance.Hypervisor.Host;

/// <summary>
/// Keeps network filter changes apart from guest starts, stops and NIC plugs. libvirt 9's nwfilter driver re-applies a
/// redefined filter to every running guest while a starting guest instantiates its NICs' filters, and the two can wait on
/// each other for good: 50 concurrent creates with a filter redefine per new port left every libvirtd worker waiting and
/// the appliance hung. Guest changes share the gate; a filter change waits for them and holds it alone (waiting filter
/// changes go first, so a stream of starts cannot starve them).
/// </summary>
internal static class NetworkFilterGate
{
    private static readonly ReaderWriterLockSlim Gate = new(LockRecursionPolicy.SupportsRecursion);

    /// <summary>A start, stop or device change of a guest: any number at once, never during a filter change.</summary>
    public static void GuestChange(Action change)
    {
        Gate.EnterReadLock();
        try
        {
            change();
        }
        finally
        {
            Gate.ExitReadLock();
        }
    }

    /// <summary>A filter define or undefine: alone.</summary>
    public static void FilterChange(Action change)
    {
        Gate.EnterWriteLock();
        try
        {
            change();
        }
        finally
        {
            Gate.ExitWriteLock();
        }
    }
}
