using System.Runtime.InteropServices;
using Appliance.Hypervisor.Interop;

namespace Appliance.Hypervisor.Host;

/// <summary>One libvirt domain: thin managed calls over a domain handle, each failure a LibvirtException.</summary>
internal sealed class Guest(LibvirtDomainHandle handle) : IDisposable
{
    private LibvirtDomainHandle Handle { get; } = handle;

    public unsafe Guid Uuid
    {
        get
        {
            var buffer = stackalloc byte[37];
            var added = false;
            Handle.DangerousAddRef(ref added);
            try
            {
                Check(Libvirt.virDomainGetUUIDString(Handle.DangerousGetHandle(), buffer), "virDomainGetUUIDString");
                return Guid.Parse(new ReadOnlySpan<byte>(buffer, 36));
            }
            finally
            {
                if (added)
                {
                    Handle.DangerousRelease();
                }
            }
        }
    }

    public string Name => Marshal.PtrToStringUTF8(Libvirt.virDomainGetName(Handle)) ?? throw LibvirtErrors.Capture("virDomainGetName");

    public (int State, int Reason) State()
    {
        Check(Libvirt.virDomainGetState(Handle, out var state, out var reason, 0), "virDomainGetState");
        return (state, reason);
    }

    public PowerState PowerState => LibvirtDomainState.ToPowerState(State().State);

    public bool IsActive => State().State is not (LibvirtDomainState.Shutoff or LibvirtDomainState.NoState);

    public Libvirt.VirDomainInfo Info()
    {
        Check(Libvirt.virDomainGetInfo(Handle, out var info), "virDomainGetInfo");
        return info;
    }

    public string XmlDesc() =>
        NativeStrings.TakeUtf8(Libvirt.virDomainGetXMLDesc(Handle, 0)) ?? throw LibvirtErrors.Capture("virDomainGetXMLDesc");

    /// <summary>The persistent definition (VIR_DOMAIN_XML_INACTIVE): what the guest will be at its next start.</summary>
    public string PersistentXmlDesc() =>
        NativeStrings.TakeUtf8(Libvirt.virDomainGetXMLDesc(Handle, 2)) ?? throw LibvirtErrors.Capture("virDomainGetXMLDesc");

    public void Create() => NetworkFilterGate.GuestChange(() => Check(Libvirt.virDomainCreate(Handle), "virDomainCreate"));

    public void Destroy() => NetworkFilterGate.GuestChange(() => Check(Libvirt.virDomainDestroy(Handle), "virDomainDestroy"));

    /// <summary>Asks the guest OS to shut down (ACPI power button); returns before it has.</summary>
    public void Shutdown() => Check(Libvirt.virDomainShutdown(Handle), "virDomainShutdown");

    public void Reboot() => Check(Libvirt.virDomainReboot(Handle, Libvirt.VIR_DOMAIN_REBOOT_DEFAULT), "virDomainReboot");

    /// <summary>A non-maskable interrupt: guests configured for it write a crash dump (Nova's trigger_crash_dump).</summary>
    public void InjectNmi() => Check(Libvirt.virDomainInjectNMI(Handle, 0), "virDomainInjectNMI");

    public void Suspend() => Check(Libvirt.virDomainSuspend(Handle), "virDomainSuspend");

    public void Resume() => Check(Libvirt.virDomainResume(Handle), "virDomainResume");

    public void ManagedSave() => Check(Libvirt.virDomainManagedSave(Handle, 0), "virDomainManagedSave");

    public bool HasManagedSave()
    {
        var result = Libvirt.virDomainHasManagedSaveImage(Handle, 0);
        Check(result, "virDomainHasManagedSaveImage");
        return result == 1;
    }

    /// <summary>Discards the saved memory, so the next start boots afresh instead of resuming.</summary>
    public void RemoveManagedSave() => Check(Libvirt.virDomainManagedSaveRemove(Handle, 0), "virDomainManagedSaveRemove");

    /// <summary>Removes the definition with any managed-save image and snapshot metadata (no NVRAM: guests boot BIOS).</summary>
    public void Undefine() => Check(
        Libvirt.virDomainUndefineFlags(
            Handle, Libvirt.VIR_DOMAIN_UNDEFINE_MANAGED_SAVE | Libvirt.VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA),
        "virDomainUndefineFlags");

    /// <summary>Adds a device to the definition, and to the running guest when it runs.</summary>
    public void AttachDevice(string xml) =>
        NetworkFilterGate.GuestChange(() => Check(Libvirt.virDomainAttachDeviceFlags(Handle, xml, AffectFlags()), "virDomainAttachDeviceFlags"));

    /// <summary>Removes a device from the definition, and asks a running guest to let go of it (that finishes later).</summary>
    public void DetachDevice(string xml) =>
        NetworkFilterGate.GuestChange(() => Check(Libvirt.virDomainDetachDeviceFlags(Handle, xml, AffectFlags()), "virDomainDetachDeviceFlags"));

    public void SetUserPassword(string user, string password) =>
        Check(Libvirt.virDomainSetUserPassword(Handle, user, password, 0), "virDomainSetUserPassword");

    public void Dispose() => Handle.Dispose();

    private uint AffectFlags() =>
        Libvirt.VIR_DOMAIN_AFFECT_CONFIG | (IsActive ? Libvirt.VIR_DOMAIN_AFFECT_LIVE : 0);

    private static void Check(int result, string operation)
    {
        if (result < 0)
        {
            throw LibvirtErrors.Capture(operation);
        }
    }
}
