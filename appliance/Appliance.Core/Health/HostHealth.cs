using Appliance.Core.Store;
using Appliance.Hypervisor.Host;

namespace Appliance.Core.Health;

/// <summary>Whether the two things the appliance cannot work without answer: its database and its hypervisor.</summary>
public sealed class HostHealth(Database database, LibvirtHost hypervisor)
{
    public Task CheckDatabaseAsync(CancellationToken cancellationToken) => database.PingAsync(cancellationToken);

    /// <summary>Asks libvirt for its versions; throws when the connection cannot be made.</summary>
    public Task<HypervisorInfo> CheckHypervisorAsync(CancellationToken cancellationToken) =>
        Task.Run(hypervisor.Describe, cancellationToken);
}
