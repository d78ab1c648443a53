namespace Appliance.Hypervisor.Driver;

/// <summary>A guest libvirt knows, and its power state.</summary>
public sealed record GuestStatus(Guid Uuid, string Name, PowerState PowerState);

/// <summary>Nova's reboot types.</summary>
public enum RebootKind
{
    Soft,
    Hard,
}
