using Appliance.Core.Networks;
using Appliance.Web.Ui.Session;

namespace Appliance.Web.Ui.Backend;

/// <summary>Networks and their pool use through the core's overview, with its visibility rule.</summary>
public sealed class NetworkCatalog(UiCaller caller, NetworkOverview overview) : INetworkCatalog
{
    public async Task<IReadOnlyList<NetworkRow>> ListAsync(CancellationToken cancellationToken = default)
    {
        var who = await caller.CurrentAsync(cancellationToken);
        var networks = await overview.ListAsync(who.ProjectId!, who.IsAdmin, cancellationToken);
        return networks
            .Select(n => new NetworkRow(n.Id, n.Name, n.Kind, n.Shared, n.Cidr, n.GatewayIp, who.IsAdmin ? n.Bridge : null, n.AddressesUsed, n.PoolSize))
            .OrderBy(n => n.Name, StringComparer.Ordinal).ThenBy(n => n.Id, StringComparer.Ordinal)
            .ToList();
    }
}
