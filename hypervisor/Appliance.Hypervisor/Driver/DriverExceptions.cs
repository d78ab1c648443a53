namespace Appliance.Hypervisor.Driver;

/// <summary>No guest with this UUID exists on the host.</summary>
public sealed class InstanceNotFoundException(Guid uuid) : Exception($"instance {uuid} could not be found on this host")
{
    public Guid Uuid { get; } = uuid;
}

/// <summary>A hypervisor operation failed; the inner exception says how (libvirt or a host command).</summary>
public sealed class HypervisorOperationException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The guest has no working guest agent, so in-guest operations (set password) cannot be done.</summary>
public sealed class GuestAgentUnavailableException(Guid uuid, Exception inner)
    : Exception($"instance {uuid} has no responding guest agent: {inner.Message}", inner);
