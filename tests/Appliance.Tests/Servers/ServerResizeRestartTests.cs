using System.Net;
using System.Text.Json;
using Appliance.Core.Store;
using Appliance.Hypervisor.Disks;
using Appliance.Tests.Hosting;
using Appliance.Tests.Identity;
using Dapper;
using Microsoft.Extensions.DependencyInjection;

namespace Appliance.Tests.Servers;

/// <summary>
/// A restart with a resize, confirm, revert or rebuild cut short (what a kill -9 leaves in the row and on disk) or a
/// resize waiting for its confirm: the reconciler and the automatic confirm leave nothing stuck.
/// </summary>
public sealed class ServerResizeRestartTests
{
    private const string Nano = """{"id":"42","name":"m1.nano","vcpus":1,"ram":256,"disk":1,"ephemeral":0,"swap":0,"extra_specs":{}}""";

    private sealed class RunningAppliance(ApplianceFactory factory, HttpClient client, string token)
    {
        public ApplianceFactory Factory => factory;

        public static async Task<RunningAppliance> StartAsync(string dataDir, Action<Core.Configuration.ApplianceOptions>? configure = null)
        {
            var factory = new ApplianceFactory(dataDir, configure: configure);
            var client = factory.CreateClient();
            return new RunningAppliance(factory, client, await IdentityClient.AdminTokenAsync(client, dataDir));
        }

        public async Task<JsonElement> SendAsync(HttpMethod method, string path, string? json, HttpStatusCode expected) =>
            await IdentityClient.SendJsonAsync(client, IdentityClient.WithToken(method, path, token, json), expected);

        /// <summary>A server action, whose 202 has no body to read.</summary>
        public async Task ActAsync(string id, string json, HttpStatusCode expected)
        {
            using var response = await client.SendAsync(IdentityClient.WithToken(HttpMethod.Post, $"/v2.1/servers/{id}/action", token, json));
            Assert.True(response.StatusCode == expected, await response.Content.ReadAsStringAsync());
        }

        public async Task<string> ImageAsync()
        {
            var id = (await SendAsync(HttpMethod.Post, "/image/v2/images", """{"name": "tiny", "disk_format": "qcow2", "container_format": "bare"}""",
                HttpStatusCode.Created)).GetProperty("id").GetString()!;
            var upload = IdentityClient.WithToken(HttpMethod.Put, $"/image/v2/images/{id}/file", token);
            upload.Content = Images.ImageApiSession.Bytes(Images.ImageApiSession.Qcow2("64M"));
            Assert.Equal(HttpStatusCode.NoContent, (await client.SendAsync(upload)).StatusCode);
            return id;
        }

        public async Task<string> ActiveServerAsync(string image, string name)
        {
            var id = (await SendAsync(HttpMethod.Post, "/v2.1/servers", $$$"""{"server": {"name": "{{{name}}}", "imageRef": "{{{image}}}", "flavorRef": "42"}}""",
                HttpStatusCode.Accepted)).GetProperty("server").GetProperty("id").GetString()!;
            await WaitForAsync(id, "ACTIVE");
            await factory.Services.GetRequiredService<Core.Servers.ServerTaskRunner>().WhenIdleAsync();
            return id;
        }

        /// <summary>A server resized from m1.nano to the flavor and waiting in VERIFY_RESIZE.</summary>
        public async Task<string> ResizedServerAsync(string image, string name, string flavorRef)
        {
            var id = await ActiveServerAsync(image, name);
            await ActAsync(id, $$$"""{"resize": {"flavorRef": "{{{flavorRef}}}"}}""", HttpStatusCode.Accepted);
            await WaitForAsync(id, "VERIFY_RESIZE");
            await factory.Services.GetRequiredService<Core.Servers.ServerTaskRunner>().WhenIdleAsync();
            return id;
        }

        public async Task<JsonElement> ShowAsync(string id) =>
            (await SendAsync(HttpMethod.Get, $"/v2.1/servers/{id}", null, HttpStatusCode.OK)).GetProperty("server");

        public async Task<JsonElement> WaitForAsync(string id, params string[] statuses)
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while (true)
            {
                var server = await ShowAsync(id);
                if (statuses.Contains(server.GetProperty("status").GetString()))
                {
                    return server;
                }

                Assert.True(DateTime.UtcNow < deadline, $"server {id} did not reach {string.Join("/", statuses)}: {server}");
                await Task.Delay(50);
            }
        }

        public async Task<List<JsonElement>> ActionsAsync(string id) =>
            (await SendAsync(HttpMethod.Get, $"/v2.1/servers/{id}/os-instance-actions", null, HttpStatusCode.OK))
            .GetProperty("instanceActions").EnumerateArray().Select(a => a.Clone()).ToList();

        public async Task ExecuteAsync(string sql, object parameters)
        {
            await using var connection = await factory.Services.GetRequiredService<Database>().OpenAsync();
            await connection.ExecuteAsync(sql, parameters);
        }
    }

    private static Task<long> RootBytesAsync(string dataDir, string id) =>
        QemuImg.InfoAsync(Path.Combine(dataDir, "instances", id, "disk"), "qcow2").ContinueWith(info => info.Result.VirtualSizeBytes);

    [Fact]
    public async Task Restart_RollsBackAResize_FinishesARevertAndAConfirm_AndFailsARebuild_LeavingNothingStuck()
    {
        using var dataDir = new TempDataDir();
        string resizing, reverting, confirming, rebuilding;
        var first = await RunningAppliance.StartAsync(dataDir.Path);
        using (first.Factory)
        {
            var image = await first.ImageAsync();
            resizing = await first.ResizedServerAsync(image, "resizing", "2");
            reverting = await first.ResizedServerAsync(image, "reverting", "2");
            confirming = await first.ResizedServerAsync(image, "confirming", "2");
            rebuilding = await first.ActiveServerAsync(image, "rebuilding");
            await first.ExecuteAsync("UPDATE servers SET task_state = 'rebuild_spawning' WHERE uuid = @rebuilding", new { rebuilding });

            // What a kill -9 leaves when the driver had grown the disks but the row was not yet written: the old flavor,
            // the resize's task and its open action, the new disks in place and the old ones kept beside them.
            await first.ExecuteAsync("""
                UPDATE servers SET vm_state = 'active', task_state = 'resize_migrating', flavor_id = '42', flavor_json = @Nano, vcpus = 1,
                    memory_mb = 256, root_gb = 1, resized_at = NULL WHERE uuid = @resizing;
                UPDATE instance_actions SET finish_time = NULL, message = NULL WHERE server_uuid = @resizing AND action = 'resize';
                UPDATE servers SET task_state = 'resize_reverting' WHERE uuid = @reverting;
                UPDATE servers SET task_state = 'resize_confirming' WHERE uuid = @confirming;
                """, new { resizing, reverting, confirming, Nano });
            Assert.Equal(20L << 30, await RootBytesAsync(dataDir.Path, resizing));
        }

        var second = await RunningAppliance.StartAsync(dataDir.Path);
        using (second.Factory)
        {
            var rolledBack = await second.ShowAsync(resizing);
            Assert.Equal("ACTIVE", rolledBack.GetProperty("status").GetString());
            Assert.Equal(JsonValueKind.Null, rolledBack.GetProperty("OS-EXT-STS:task_state").ValueKind);
            Assert.Equal("42", rolledBack.GetProperty("flavor").GetProperty("id").GetString());
            Assert.Equal(1L << 30, await RootBytesAsync(dataDir.Path, resizing));
            Assert.False(Directory.Exists(Path.Combine(dataDir.Path, "instances", resizing + "_resize")));
            var resize = (await second.ActionsAsync(resizing)).First(a => a.GetProperty("action").GetString() == "resize");
            Assert.Equal("Error", resize.GetProperty("message").GetString());

            var reverted = await second.ShowAsync(reverting);
            Assert.Equal("ACTIVE", reverted.GetProperty("status").GetString());
            Assert.Equal("42", reverted.GetProperty("flavor").GetProperty("id").GetString());
            Assert.Equal(1L << 30, await RootBytesAsync(dataDir.Path, reverting));
            Assert.False(Directory.Exists(Path.Combine(dataDir.Path, "instances", reverting + "_resize")));

            var confirmed = await second.ShowAsync(confirming);
            Assert.Contains(confirmed.GetProperty("status").GetString(), new[] { "ACTIVE", "SHUTOFF" });
            Assert.Equal(JsonValueKind.Null, confirmed.GetProperty("OS-EXT-STS:task_state").ValueKind);
            Assert.Equal("2", confirmed.GetProperty("flavor").GetProperty("id").GetString());
            Assert.Equal(20L << 30, await RootBytesAsync(dataDir.Path, confirming));
            Assert.False(Directory.Exists(Path.Combine(dataDir.Path, "instances", confirming + "_resize")));

            var failed = await second.ShowAsync(rebuilding);
            Assert.Equal("ERROR", failed.GetProperty("status").GetString());
            Assert.Equal($"Rebuild of instance {rebuilding} was interrupted by a restart of the appliance.", failed.GetProperty("fault").GetProperty("message").GetString());
            Assert.True(Directory.Exists(Path.Combine(dataDir.Path, "instances", rebuilding)), "a failed rebuild's disks are left for the user to rebuild or delete");

            Assert.Contains(second.Factory.Logs.Entries, e => e.Message.Contains($"Reconcile: server {resizing} was being resized", StringComparison.Ordinal));

            // Nothing open is left: the rolled-back server takes a new resize, the failed one a new rebuild.
            await second.ActAsync(resizing, """{"resize": {"flavorRef": "1"}}""", HttpStatusCode.Accepted);
            await second.WaitForAsync(resizing, "VERIFY_RESIZE");
            var image = (await second.ShowAsync(rebuilding)).GetProperty("image").GetProperty("id").GetString();
            await second.ActAsync(rebuilding, $$$"""{"rebuild": {"imageRef": "{{{image}}}"}}""", HttpStatusCode.Accepted);
            await second.WaitForAsync(rebuilding, "ACTIVE");
            await second.Factory.Services.GetRequiredService<Core.Servers.ServerTaskRunner>().WhenIdleAsync();
        }
    }

    [Fact]
    public async Task AResizeWaitingForItsConfirm_IsConfirmedAutomatically_AfterARestart()
    {
        using var dataDir = new TempDataDir();
        string id;
        var first = await RunningAppliance.StartAsync(dataDir.Path);
        using (first.Factory)
        {
            id = await first.ResizedServerAsync(await first.ImageAsync(), "waiting", "1");
            // The window started long ago: only the automatic confirm of the next start can close it.
            await first.ExecuteAsync("UPDATE servers SET resized_at = '2000-01-01T00:00:00.000000Z' WHERE uuid = @id", new { id });
        }

        var second = await RunningAppliance.StartAsync(dataDir.Path, options => options.Servers.ResizeConfirmWindow = TimeSpan.FromMinutes(10));
        using (second.Factory)
        {
            var server = await second.WaitForAsync(id, "ACTIVE", "SHUTOFF");
            Assert.Equal("1", server.GetProperty("flavor").GetProperty("id").GetString());
            Assert.False(Directory.Exists(Path.Combine(dataDir.Path, "instances", id + "_resize")));
            Assert.Equal("confirmResize", (await second.ActionsAsync(id))[0].GetProperty("action").GetString());
        }
    }
}
