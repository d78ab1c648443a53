namespace Appliance.Hypervisor.Interop;

/// <summary>
/// libvirt's default event loop on a dedicated thread. It must be registered before the first
/// connection opens, or that connection never delivers events (nor keepalives).
/// </summary>
internal static class LibvirtEventLoop
{
    private static readonly Lock s_gate = new();
    private static Thread? s_thread;

    public static void EnsureRunning()
    {
        lock (s_gate)
        {
            if (s_thread is not null)
            {
                return;
            }

            if (Libvirt.virEventRegisterDefaultImpl() < 0)
            {
                throw LibvirtErrors.Capture("virEventRegisterDefaultImpl");
            }

            // A background thread: the loop has no clean exit in libvirt and dies with the process.
            s_thread = new Thread(Run) { IsBackground = true, Name = "libvirt-events" };
            s_thread.Start();
        }
    }

    private static void Run()
    {
        while (true)
        {
            if (Libvirt.virEventRunDefaultImpl() < 0)
            {
                // Clear this thread's error state and keep serving; a failed iteration is not fatal.
                Libvirt.virResetLastError();
                Thread.Sleep(100);
            }
        }
    }
}
