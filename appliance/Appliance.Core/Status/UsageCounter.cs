using Appliance.Core.Configuration;
using Appliance.Core.Store;
using Dapper;

namespace Appliance.Core.Status;

/// <summary>Counts what live servers claim, from the store and the data dir's file system; never asks libvirt.</summary>
public sealed class UsageCounter(Database database, DataPaths paths, TimeProvider clock)
{
    /// <summary>The live servers, their vCPUs and RAM (of one project, or of all when null), and the data dir's free disk.</summary>
    public async Task<UsageSample> SampleAsync(string? projectId = null, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var (servers, vcpus, memory) = await connection.QuerySingleAsync<Totals>(
            "SELECT COUNT(*) AS servers, COALESCE(SUM(vcpus), 0) AS vcpus, COALESCE(SUM(memory_mb), 0) AS memory FROM servers WHERE deleted = 0 AND (@projectId IS NULL OR project_id = @projectId)",
            new { projectId });
        return new UsageSample(clock.GetUtcNow(), (int)servers, (int)vcpus, memory, DiskFreeGiB());
    }

    public long DiskTotalGiB() => Drive().TotalSize >> 30;

    public long DiskFreeGiB() => Drive().AvailableFreeSpace >> 30;

    private DriveInfo Drive() => new(paths.Root);

    internal sealed record Totals(long Servers, long Vcpus, long Memory);
}
