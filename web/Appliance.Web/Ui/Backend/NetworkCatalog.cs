using Appliance.Core;
using Appliance.Core.Identity;
using Appliance.Core.Networks;
using Appliance.Web.Ui.Session;

namespace Appliance.Web.Ui.Backend;

/// <summary>Networks and their pool use through the core's overview, with its visibility rule; writes through the Network API's core.</summary>
public sealed class NetworkCatalog(UiCaller caller, NetworkOverview overview, NetworkWrites writes) : INetworkCatalog
{
    public async Task<IReadOnlyList<NetworkRow>> ListAsync(CancellationToken cancellationToken = default)
    {
        var who = await caller.CurrentAsync(cancellationToken);
        return await RowsAsync(who, cancellationToken);
    }

    public async Task<NetworkRow> CreateAsync(string name, string cidr, CancellationToken cancellationToken = default)
    {
        var who = await caller.CurrentAsync(cancellationToken);
        if (name.Trim().Length == 0 || name.Length > 255)
        {
            throw new UiException("The network name must be 1 to 255 characters.");
        }

        try
        {
            var network = await writes.CreateNetworkAsync(who, new NetworkRequest(name.Trim()), cancellationToken);
            try
            {
                await writes.CreateSubnetAsync(who, new SubnetRequest(network.Network.Id, cidr.Trim()) { Name = $"{name.Trim()}-subnet" }, cancellationToken);
            }
            catch
            {
                // The page makes a network and its subnet as one step: without the subnet, take the network back.
                await writes.DeleteNetworkAsync(who, network.Network.Id, CancellationToken.None);
                throw;
            }

            return (await RowsAsync(who, cancellationToken)).Single(row => row.Id == network.Network.Id);
        }
        catch (RequestRefusedException e)
        {
            throw new UiException(e.Message, e);
        }
    }

    public async Task DeleteAsync(string id, CancellationToken cancellationToken = default)
    {
        var who = await caller.CurrentAsync(cancellationToken);
        try
        {
            await writes.DeleteNetworkAsync(who, id, cancellationToken);
        }
        catch (RequestRefusedException e)
        {
            throw new UiException(e.Message, e);
        }
    }

    private async Task<IReadOnlyList<NetworkRow>> RowsAsync(RequestContext who, CancellationToken cancellationToken)
    {
        var networks = await overview.ListAsync(who.ProjectId!, who.IsAdmin, cancellationToken);
        return networks
            .Select(n => new NetworkRow(n.Id, n.Name, n.Kind, n.Shared, n.Cidr, n.GatewayIp, who.IsAdmin ? n.Bridge : null, n.AddressesUsed, n.PoolSize,
                Deletable: MayDelete(who, n)))
            .OrderBy(n => n.Name, StringComparer.Ordinal).ThenBy(n => n.Id, StringComparer.Ordinal)
            .ToList();
    }

    // The API's own delete_network rule, so the page offers Delete exactly where the core would allow it.
    private static bool MayDelete(RequestContext who, NetworkUsage network) => Policy.CanWrite(who, network.ProjectId);
}
