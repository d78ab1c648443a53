namespace Appliance.Hypervisor.Networking;

/// <summary>The host device name of a port's NIC, as Nova names it: the guest's link id in network_data.json too.</summary>
public static class TapName
{
    /// <summary>tap and the first 11 characters of the port id: 14 characters, within the kernel's 15.</summary>
    public static string For(Guid portId) => "tap" + portId.ToString("D")[..11];
}
