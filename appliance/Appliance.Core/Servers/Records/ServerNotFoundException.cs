namespace Appliance.Core.Servers;

/// <summary>No server by this id, or not one the caller may see: Nova's InstanceNotFound.</summary>
public sealed class ServerNotFoundException(string uuid) : NotFoundException($"Instance {uuid} could not be found.");
