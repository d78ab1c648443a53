namespace Appliance.Core.Networks;

/// <summary>Neutron's 409 when the external network's pools have no address left.</summary>
public sealed class FloatingIpPoolExhaustedException(string networkId)
    : ConflictException($"No more IP addresses available on network {networkId}."), INeutronTypedRefusal
{
    public string Type => "IpAddressGenerationFailure";
}

/// <summary>Neutron's 409 for a floating address asked for that a port or floating IP holds already.</summary>
public sealed class FloatingAddressTakenException(string address, string subnetId)
    : ConflictException($"IP address {address} already allocated in subnet {subnetId}"), INeutronTypedRefusal
{
    public string Type => "IpAddressAlreadyAllocated";
}

/// <summary>Neutron's 409 when the fixed address has a floating IP already.</summary>
public sealed class FloatingIpAlreadyAssociatedException(string portId, string fixedAddress, string holderId)
    : ConflictException($"Cannot associate floating IP with port {portId} using fixed IP {fixedAddress}, as that fixed IP already has a floating IP ({holderId})."),
    INeutronTypedRefusal
{
    public string Type => "FloatingIPPortAlreadyAssociated";
}

/// <summary>409: a floating IP carries either a 1:1 association or port forwardings, never both.</summary>
public sealed class FloatingIpInUseException(string message) : ConflictException(message), INeutronTypedRefusal
{
    public string Type => "FipInUseByPortForwarding";
}

/// <summary>Neutron's 409 for a forwarding to a fixed address that has a floating IP of its own.</summary>
public sealed class PortHasFloatingIpException(string portId, string fixedAddress)
    : ConflictException($"Cannot create port forwarding with port {portId} using fixed IP {fixedAddress}, as that port already has a binding floating IP."),
    INeutronTypedRefusal
{
    public string Type => "PortHasBindingFloatingIP";
}

/// <summary>409 for a forwarding whose external port (on its floating IP) or internal end (address and port) another forwarding has.</summary>
public sealed class PortForwardingConflictException(PortForwardingRecord forwarding, string otherId)
    : ConflictException(
        $"A duplicate port forwarding entry with same attributes already exists ({otherId}), conflicting values are protocol {forwarding.Protocol}, " +
        $"external_port {forwarding.ExternalPort} or internal {forwarding.InternalIpAddress}:{forwarding.InternalPort}."),
    INeutronTypedRefusal
{
    public string Type => "PortForwardingConflict";
}

/// <summary>400: the port is on a network the appliance cannot NAT to (only its own NAT networks can take a floating IP).</summary>
public sealed class PortNotNattableException(string portId, string networkId)
    : InvalidRequestException(
        $"Bad floatingip request: port {portId} is on network {networkId}, which is not one of the appliance's NAT networks; floating IPs reach only those."),
    INeutronTypedRefusal
{
    public string Type => "BadRequest";
}
