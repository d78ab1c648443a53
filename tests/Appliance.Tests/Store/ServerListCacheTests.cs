using Appliance.Core.Servers;
using Appliance.Core.Store;
using Appliance.Tests.Hosting;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;

namespace Appliance.Tests.Store;

/// <summary>
/// The list keeps rows it has read and re-reads only those whose row_version moved; the database, not the writers,
/// moves it. Writes here are raw SQL on another connection, so no appliance code can have announced them.
/// </summary>
public sealed class ServerListCacheTests : IDisposable
{
    private readonly TempStore _store = new();
    private Database _database = null!;

    public void Dispose() => _store.Dispose();

    [Fact]
    public async Task EveryUpdate_BumpsTheRowVersion_InsertsStartAtZero()
    {
        await SeedAsync("a");

        Assert.Equal(0, await VersionAsync("a"));
        await RawAsync("UPDATE servers SET power_state = 4 WHERE uuid = 'a'");
        Assert.Equal(1, await VersionAsync("a"));
        await RawAsync("UPDATE servers SET name = 'renamed', task_state = 'deleting' WHERE uuid = 'a'");
        Assert.Equal(2, await VersionAsync("a"));
        await RawAsync("UPDATE servers SET name = name WHERE uuid = 'a'"); // a write that changes nothing still counts
        Assert.Equal(3, await VersionAsync("a"));
    }

    [Fact]
    public async Task List_ReusesUnchangedRows_AndRereadsAChangedOne()
    {
        await SeedAsync("a", "b", "c");
        var reader = new ServerListReader(new ServerRepository(_database, new ServerChanges(NullLogger<ServerChanges>.Instance)));

        var first = await reader.ListAsync(new ServerListQuery());
        var second = await reader.ListAsync(new ServerListQuery());
        await RawAsync("UPDATE servers SET power_state = 4, vm_state = 'stopped' WHERE uuid = 'b'");
        var third = await reader.ListAsync(new ServerListQuery());

        Assert.Equal(["c", "b", "a"], first.Servers.Select(s => s.Uuid)); // newest first
        Assert.All(first.Servers.Zip(second.Servers), pair => Assert.Same(pair.First, pair.Second));
        Assert.Equal(["c", "b", "a"], third.Servers.Select(s => s.Uuid));
        Assert.Same(first.Servers[0], third.Servers[0]);
        Assert.Same(first.Servers[2], third.Servers[2]);
        Assert.Equal((4, "stopped", 1L), (third.Servers[1].PowerState, third.Servers[1].VmState, third.Servers[1].RowVersion));
        Assert.Equal((1, "active"), (first.Servers[1].PowerState, first.Servers[1].VmState)); // the copy handed out earlier is untouched
    }

    [Fact]
    public async Task PowerSyncWrite_FromARowReadBeforeAnOperationEnded_IsRefused()
    {
        // The power sync reads a row, asks libvirt, then writes: a suspend that started and ended in between must win.
        await SeedAsync("a");
        var repository = new ServerRepository(_database, new ServerChanges(NullLogger<ServerChanges>.Instance));
        var read = (await repository.LiveAsync()).Single();
        await RawAsync("UPDATE servers SET vm_state = 'suspended', power_state = 7 WHERE uuid = 'a'");

        Assert.False(await repository.UpdateIfUnchangedAsync("a", read.RowVersion, new Dictionary<string, object?> { ["vm_state"] = "stopped" }));
        var now = (await repository.LiveAsync()).Single();
        Assert.Equal(("suspended", 1L), (now.VmState, now.RowVersion));
        Assert.True(await repository.UpdateIfUnchangedAsync("a", now.RowVersion, new Dictionary<string, object?> { ["power_state"] = 4 }));
        Assert.Equal(4, (await repository.LiveAsync()).Single().PowerState);
    }

    [Fact]
    public async Task PageAfterAMarker_ComesFromTheSameRows_InOrder()
    {
        await SeedAsync("a", "b", "c", "d");
        var reader = new ServerListReader(new ServerRepository(_database, new ServerChanges(NullLogger<ServerChanges>.Instance)));
        var all = await reader.ListAsync(new ServerListQuery());

        var page = await reader.ListAsync(new ServerListQuery { Marker = "c", Limit = 2 });

        Assert.Equal(["b", "a"], page.Servers.Select(s => s.Uuid));
        Assert.False(page.More);
        Assert.Same(all.Servers[2], page.Servers[0]);
    }

    [Fact]
    public void Cache_NeverTradesANewerRowForAnOlderOne()
    {
        var cache = new ServerRowCache();
        cache.Put([new ServerRecord { Uuid = "a", Name = "newer", RowVersion = 5 }]);
        cache.Put([new ServerRecord { Uuid = "a", Name = "older", RowVersion = 4 }]);

        Assert.True(cache.TryGet("a", 5, out var held));
        Assert.Equal("newer", held.Name);
        Assert.False(cache.TryGet("a", 4, out _));
    }

    /// <summary>Servers created a second apart in the order given, active and running; foreign keys off (no projects or flavors behind them).</summary>
    private async Task SeedAsync(params string[] uuids)
    {
        _database = await _store.MigratedAsync();
        for (var i = 0; i < uuids.Length; i++)
        {
            await RawAsync($"""
                INSERT INTO servers (uuid, project_id, user_id, name, hostname, domain_name, image_ref, flavor_id, flavor_json, vcpus, memory_mb,
                    root_gb, ephemeral_gb, swap_mb, availability_zone, config_drive, access_ip_v4, access_ip_v6, disk_config, security_groups,
                    networks, reservation_id, launch_index, kernel_id, ramdisk_id, vm_state, power_state, progress, created_at, updated_at)
                VALUES ('{uuids[i]}', 'p', 'u', 'vm-{uuids[i]}', 'vm-{uuids[i]}', 'instance-{i}', 'img', '1', '{"{}"}', 1, 64, 1, 0, 0, 'nova', 0, '', '',
                    'MANUAL', '["default"]', 'none', 'r-{i}', 0, '', '', 'active', 1, 0, '2026-11-28T10:00:0{i}.000000Z', '2026-11-28T10:00:0{i}.000000Z')
                """);
        }
    }

    private async Task RawAsync(string sql)
    {
        await using var connection = await _database.OpenAsync();
        await connection.ExecuteAsync("PRAGMA foreign_keys = OFF");
        await connection.ExecuteAsync(sql);
    }

    private async Task<long> VersionAsync(string uuid)
    {
        await using var connection = await _database.OpenAsync();
        return await connection.QuerySingleAsync<long>("SELECT row_version FROM servers WHERE uuid = @uuid", new { uuid });
    }
}
