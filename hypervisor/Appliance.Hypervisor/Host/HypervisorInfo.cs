namespace Appliance.Hypervisor.Host;

/// <summary>What the libvirt connection says about itself.</summary>
/// <param name="Type">libvirt's driver name, e.g. QEMU or TEST.</param>
public sealed record HypervisorInfo(string Uri, string Type, string LibvirtVersion, string HypervisorVersion);
