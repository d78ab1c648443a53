namespace Appliance.Hypervisor;

/// <summary>The host cannot reach a hypervisor at all (library missing or connection refused).</summary>
public sealed class HypervisorUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
