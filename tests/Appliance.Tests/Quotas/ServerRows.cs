using System.Globalization;
using Appliance.Core.Store;
using Dapper;

namespace Appliance.Tests.Quotas;

/// <summary>Server rows written straight into the store, to give a project usage before the servers API exists.</summary>
public static class ServerRows
{
    public static async Task InsertAsync(Database database, string projectId, int vcpus, int memoryMb, bool deleted = false)
    {
        var uuid = Guid.NewGuid().ToString();
        var now = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture);
        await using var connection = await database.OpenAsync();
        await connection.ExecuteAsync("""
            INSERT INTO servers (uuid, project_id, user_id, name, hostname, domain_name, flavor_id, flavor_json, vcpus, memory_mb,
                                 root_gb, reservation_id, vm_state, created_at, updated_at, deleted)
            VALUES (@uuid, @projectId, 'test-user', 'vm', 'vm', @domain, '1', '{}', @vcpus, @memoryMb, 1, 'r-test', 'active', @now, @now, @deleted)
            """, new { uuid, projectId, domain = $"instance-{uuid}", vcpus, memoryMb, now, deleted = deleted ? 1 : 0 });
    }
}
