using System.Net;
using Appliance.Core.Store;
using Appliance.Tests.Servers;
using Dapper;
using Microsoft.Extensions.DependencyInjection;

namespace Appliance.Tests.Reliability;

/// <summary>What the crash harness found, each pinned down in process so it stays fixed.</summary>
public sealed class CrashFindingsTests : IAsyncLifetime
{
    private readonly ServerApiSession _session = new();

    public Task InitializeAsync() => _session.InitializeAsync();

    public Task DisposeAsync() => _session.DisposeAsync();

    [Fact]
    public async Task Delete_OfAServerWhoseBuildStoppedBeforeItsVolumeWasMade_Finishes()
    {
        var id = await _session.CreateServerAsync("volume-never-made",
            """, "block_device_mapping_v2": [{"boot_index": -1, "source_type": "blank", "destination_type": "volume", "volume_size": 1, "delete_on_termination": true}]""");
        await _session.WaitForStatusAsync(id, ["ACTIVE"]);

        // What a kill between recording the volume id and making its file leaves (the first volume of the data dir: no volumes dir yet),
        // after the restart failed the build.
        Directory.Delete(Path.Combine(_session.Factory.DataDir, "volumes"), recursive: true);
        await using (var connection = await _session.Factory.Services.GetRequiredService<Database>().OpenAsync())
        {
            await connection.ExecuteAsync("UPDATE servers SET vm_state = 'error' WHERE uuid = @id", new { id });
        }

        var (status, body, _) = await _session.Send(HttpMethod.Delete, $"/v2.1/servers/{id}");
        Assert.True(status == HttpStatusCode.NoContent, body);
        await _session.Runner.WhenIdleAsync();

        var (shown, shownBody, _) = await _session.Send(HttpMethod.Get, $"/v2.1/servers/{id}", token: _session.AdminToken);
        Assert.True(shown == HttpStatusCode.NotFound, shownBody);
    }
}
