using Appliance.Core.HostChecks;
using Appliance.Core.Quotas;
using Appliance.Core.Servers;
using Appliance.Core.Store;
using Appliance.Hypervisor.Driver;
using Appliance.Hypervisor.Host;
using Dapper;

namespace Appliance.Core.Status;

/// <summary>Reads the dashboard's picture of the box: host size and versions, servers by status, quota use per project.</summary>
public sealed class HostStatusReader(
    Database database, IComputeDriver driver, HostProfile profile, UsageCounter counter, UsageHistory history, QuotaService quotas)
{

    /// <summary>The picture for every project (projectId null: an admin) or for one.</summary>
    public async Task<HostStatus> ReadAsync(string? projectId, CancellationToken cancellationToken = default)
    {
        string? problem = null;
        HostCapacity? capacity = null;
        HypervisorInfo? info = null;
        try
        {
            (capacity, info) = await Task.Run(() => (driver.GetHostCapacity(), driver.Describe()), cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            problem = $"The hypervisor did not answer: {e.Message}";
        }

        var used = await counter.SampleAsync(cancellationToken: cancellationToken);
        var resources = new HostResources(
            capacity?.VCpus ?? 0, capacity?.MemoryMiB ?? 0, counter.DiskTotalGiB(), counter.DiskFreeGiB(), capacity?.CpuModel ?? "",
            used.VcpusUsed, used.MemoryUsedMiB);
        return new HostStatus(resources, profile.Accelerator, profile.Reason, info?.Type ?? "", info?.LibvirtVersion ?? "", info?.HypervisorVersion ?? "",
            await ServersByStatusAsync(projectId, cancellationToken), await ProjectsAsync(projectId, cancellationToken),
            history.Samples.Append(used).ToList(), problem); // the graphs end at this moment, not at the last minute's sample
    }

    private async Task<IReadOnlyDictionary<string, int>> ServersByStatusAsync(string? projectId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<StateCount>(
            "SELECT vm_state, task_state, COUNT(*) AS count FROM servers WHERE deleted = 0 AND (@projectId IS NULL OR project_id = @projectId) GROUP BY vm_state, task_state",
            new { projectId });
        return rows.GroupBy(row => ServerStatus.Of(row.VmState, row.TaskState))
            .OrderBy(group => group.Key, StringComparer.Ordinal)
            .ToDictionary(group => group.Key, group => (int)group.Sum(row => row.Count));
    }

    private async Task<IReadOnlyList<ProjectUsage>> ProjectsAsync(string? projectId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<ProjectTotals>("""
            SELECT p.id, p.name, COUNT(s.uuid) AS instances, COALESCE(SUM(s.vcpus), 0) AS cores, COALESCE(SUM(s.memory_mb), 0) AS ram
            FROM projects p LEFT JOIN servers s ON s.project_id = p.id AND s.deleted = 0
            WHERE @projectId IS NULL OR p.id = @projectId
            GROUP BY p.id, p.name ORDER BY p.name
            """, new { projectId });
        var usage = new List<ProjectUsage>();
        foreach (var row in rows)
        {
            // Each project's own limits (defaults overlaid by os-quota-sets), as the API enforces them.
            var limits = await quotas.GetLimitsAsync(connection, null, row.Id, cancellationToken);
            usage.Add(new ProjectUsage(row.Id, row.Name, (int)row.Instances, limits.Instances, (int)row.Cores, limits.Cores, row.Ram, limits.Ram));
        }

        return usage;
    }

    internal sealed record StateCount(string VmState, string? TaskState, long Count);

    internal sealed record ProjectTotals(string Id, string Name, long Instances, long Cores, long Ram);
}
