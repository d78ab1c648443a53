namespace Appliance.Hypervisor.Networking;

/// <summary>The host's NAT for the appliance's guests: one table, replaced whole on every change.</summary>
public interface IGuestNatDriver
{
    /// <summary>Makes the host's NAT and the external bridges' floating addresses exactly what the spec says.</summary>
    Task ApplyAsync(GuestNatSpec spec, CancellationToken cancellationToken = default);
}
