namespace Appliance.Hypervisor.Driver;

/// <summary>
/// Nothing above the drivers sees a libvirt error: it becomes a driver exception here. So does a connection libvirt
/// refuses (libvirtd restarting): to the object being operated on that is a failed operation, which its service handles.
/// </summary>
internal static class LibvirtCalls
{
    public static void Call(Action action) => Call(() =>
    {
        action();
        return 0;
    });

    public static T Call<T>(Func<T> action)
    {
        try
        {
            return action();
        }
        catch (LibvirtException e)
        {
            throw Translate(e);
        }
        catch (HypervisorUnavailableException e)
        {
            throw new HypervisorOperationException(e.Message, e);
        }
    }

    public static HypervisorOperationException Translate(LibvirtException e) =>
        new($"{e.Operation} failed: {e.Message}", e);
}
