namespace Appliance.Core.Networks;

/// <summary>One forward of a port on a user network: HostAddress:HostPort on the host reaches GuestPort in the guest.</summary>
public sealed record PortForwardRecord(string PortId, string Protocol, string HostAddress, int HostPort, int GuestPort)
{
    /// <summary>As a user would type it to connect, e.g. 127.0.0.1:20000, and what it reaches: 127.0.0.1:20000 → 22/tcp.</summary>
    public override string ToString() => $"{HostAddress}:{HostPort} → {GuestPort}/{Protocol}";
}
