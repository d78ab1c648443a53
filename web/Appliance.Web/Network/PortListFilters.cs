using Appliance.Core.Networks;
using Microsoft.AspNetCore.Http;

namespace Appliance.Web.Network;

/// <summary>
/// The port filters common enough to apply on the records before any view is built (id, device_id, network_id: plain
/// text equality, any of the repeated values, exactly as <see cref="NeutronListQuery"/> matches them).
/// </summary>
public static class PortListFilters
{
    private static readonly HashSet<string> OnRecords = ["id", "device_id", "network_id"];

    /// <summary>The ports these filters keep; all of them when the query has any other filter, so that its 400 for an unknown key still comes.</summary>
    public static IReadOnlyList<PortRecord> Narrow(IReadOnlyList<PortRecord> ports, IQueryCollection query)
    {
        var filters = query.Where(pair => OnRecords.Contains(pair.Key)).ToList();
        if (filters.Count == 0 || query.Keys.Any(key => !OnRecords.Contains(key) && !NeutronListQuery.IsControl(key)))
        {
            return ports;
        }

        return ports.Where(port => filters.All(filter => filter.Value.Any(wanted => Attribute(port, filter.Key) == (wanted ?? "")))).ToList();
    }

    /// <summary>Whether anything beyond those filters is asked (fields=, sorting, paging, other filters): then the general list query answers.</summary>
    public static bool NeedsListQuery(IQueryCollection query) => query.Keys.Any(key => !OnRecords.Contains(key));

    private static string Attribute(PortRecord port, string key) => key switch
    {
        "id" => port.Id,
        "device_id" => port.DeviceId,
        _ => port.NetworkId,
    };
}
