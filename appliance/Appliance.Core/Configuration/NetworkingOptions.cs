namespace Appliance.Core.Configuration;

/// <summary>Guest networking (section Appliance:Networking).</summary>
public sealed class NetworkingOptions
{
    /// <summary>Off: no network is made on the host, "auto" means no NIC and every named network is unknown.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The subnet of the default NAT network `private`, at first start; "auto" picks a /24 in 10.0.0.0/8 clear of the host's routes.</summary>
    public string PrivateCidr { get; set; } = "auto";

    public int PrivateMtu { get; set; } = 1500;

    /// <summary>The DNS domain dnsmasq answers guest names in on the appliance's own networks.</summary>
    public string DnsDomain { get; set; } = "appliance.internal";

    /// <summary>Serve the metadata service at 169.254.169.254:80 on the appliance's networks.</summary>
    public bool MetadataService { get; set; } = true;

    /// <summary>The host ports a user network's forwards are given from, the first free one each (above 1023: QEMU runs unprivileged).</summary>
    public int ForwardPortFirst { get; set; } = 20000;

    public int ForwardPortLast { get; set; } = 20999;
}
