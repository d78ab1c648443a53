using System.Data;
using Appliance.Core.Flavors;
using Appliance.Core.Quotas;
using Microsoft.Data.Sqlite;

namespace Appliance.Core.Servers;

/// <summary>The instances, cores and ram quotas at server create and flavor change: what fits, or Nova's over-quota refusal.</summary>
public sealed class ServerQuotas(QuotaService quotas)
{
    /// <summary>The number of servers to create, between min and max; inside the caller's write transaction.</summary>
    internal async Task<int> CheckInstancesAsync(SqliteConnection connection, IDbTransaction transaction, string projectId, Flavor flavor,
        int minCount, int maxCount, CancellationToken cancellationToken)
    {
        var used = await quotas.CountServerUsageAsync(connection, transaction, projectId, cancellationToken);
        var quota = await quotas.GetLimitsAsync(connection, transaction, projectId, cancellationToken);
        var limits = (Instances: (long)quota.Instances, Cores: (long)quota.Cores, Ram: (long)quota.Ram);

        var fits = maxCount;
        fits = Math.Min(fits, Room(limits.Instances, used.Instances, 1));
        fits = Math.Min(fits, Room(limits.Cores, used.Cores, flavor.Vcpus));
        fits = Math.Min(fits, Room(limits.Ram, used.Ram, flavor.MemoryMb));
        if (fits >= minCount)
        {
            return fits;
        }

        // Nova names every resource the minimum would overrun, sorted, with requested, used and allowed in the same order.
        var overs = new List<(string Name, long Requested, long Used, long Allowed)>();
        if (Over(limits.Cores, used.Cores, (long)flavor.Vcpus * minCount)) overs.Add(("cores", (long)flavor.Vcpus * minCount, used.Cores, limits.Cores));
        if (Over(limits.Instances, used.Instances, minCount)) overs.Add(("instances", minCount, used.Instances, limits.Instances));
        if (Over(limits.Ram, used.Ram, (long)flavor.MemoryMb * minCount)) overs.Add(("ram", (long)flavor.MemoryMb * minCount, used.Ram, limits.Ram));
        throw OverQuota(overs);
    }

    /// <summary>
    /// A change of flavor (resize, or the revert of one) that grows vCPUs or RAM must fit the project's cores and ram
    /// quotas, as Nova's upsize check: only the growth is counted, a shrink always fits. Inside the caller's write transaction.
    /// </summary>
    internal async Task CheckFlavorChangeAsync(SqliteConnection connection, IDbTransaction transaction, string projectId, StoredFlavor from,
        StoredFlavor to, CancellationToken cancellationToken)
    {
        var cores = Math.Max(0, to.Vcpus - from.Vcpus);
        var ram = Math.Max(0, to.Ram - from.Ram);
        if (cores == 0 && ram == 0)
        {
            return;
        }

        var used = await quotas.CountServerUsageAsync(connection, transaction, projectId, cancellationToken);
        var quota = await quotas.GetLimitsAsync(connection, transaction, projectId, cancellationToken);
        var overs = new List<(string Name, long Requested, long Used, long Allowed)>();
        if (cores > 0 && Over(quota.Cores, used.Cores, cores)) overs.Add(("cores", cores, used.Cores, quota.Cores));
        if (ram > 0 && Over(quota.Ram, used.Ram, ram)) overs.Add(("ram", ram, used.Ram, quota.Ram));
        if (overs.Count > 0)
        {
            throw OverQuota(overs);
        }
    }

    /// <summary>Nova's over-quota message: every resource overrun, sorted, with requested, used and allowed in the same order.</summary>
    private static OverQuotaException OverQuota(List<(string Name, long Requested, long Used, long Allowed)> overs)
    {
        var names = string.Join(", ", overs.Select(o => o.Name));
        return new OverQuotaException(
            $"Quota exceeded for {names}: Requested {string.Join(", ", overs.Select(o => o.Requested))}, " +
            $"but already used {string.Join(", ", overs.Select(o => o.Used))} of {string.Join(", ", overs.Select(o => o.Allowed))} {names}");
    }

    /// <summary>How many more units of size each fit under the limit; -1 is unlimited.</summary>
    private static int Room(long limit, long used, long each) =>
        limit < 0 || each == 0 ? int.MaxValue : (int)Math.Clamp((limit - used) / each, 0, int.MaxValue);

    private static bool Over(long limit, long used, long requested) => limit >= 0 && used + requested > limit;
}
