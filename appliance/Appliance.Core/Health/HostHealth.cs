using Appliance.Core.Store;
using Appliance.Hypervisor.Driver;

namespace Appliance.Core.Health;

/// <summary>Whether the two things the appliance cannot work without answer: its database and its hypervisor.</summary>
public sealed class HostHealth(Database database, IComputeDriver driver)
{
    public Task CheckDatabaseAsync(CancellationToken cancellationToken) => database.PingAsync(cancellationToken);

    /// <summary>The hypervisor's type and versions, e.g. "QEMU 8.2.2 via libvirt 10.0.0"; throws when it does not answer.</summary>
    public async Task<string> CheckHypervisorAsync(CancellationToken cancellationToken)
    {
        var info = await Task.Run(driver.Describe, cancellationToken);
        return $"{info.Type} {info.HypervisorVersion} via libvirt {info.LibvirtVersion}".Trim();
    }
}
