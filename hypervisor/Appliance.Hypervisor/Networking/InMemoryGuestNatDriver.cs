namespace Appliance.Hypervisor.Networking;

/// <summary>The NAT driver beside libvirt's test driver, whose networks live in memory too: it keeps the last spec and never touches the host.</summary>
public sealed class InMemoryGuestNatDriver : IGuestNatDriver
{
    /// <summary>What the host's NAT would be now; null before the first apply.</summary>
    public GuestNatSpec? Applied { get; private set; }

    public Task ApplyAsync(GuestNatSpec spec, CancellationToken cancellationToken = default)
    {
        Applied = spec;
        return Task.CompletedTask;
    }
}
