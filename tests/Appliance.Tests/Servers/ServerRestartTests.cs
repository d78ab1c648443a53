using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Appliance.Benchmarks;
using Appliance.Tests.Hosting;
using Appliance.Tests.Identity;
using Appliance.Tests.Images;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace Appliance.Tests.Servers;

/// <summary>
/// kill -9 of the real executable while creates are in flight, then a start on the same data dir: nothing
/// acknowledged is lost, nothing stays BUILD, no instance dir is left without its server, the file is whole.
/// test:///default keeps its guests in the process, so the new process starts with an empty fake host.
/// </summary>
[Trait("Tier", "e2e")] // two starts of the real executable and logins: 20-30 s on a busy CI box
public sealed class ServerRestartTests(ITestOutputHelper output)
{
    private const int ProjectCount = 2;
    private const int CreatesPerProject = 10;
    private const int AcknowledgementsBeforeKill = 10;
    private static readonly TimeSpan SettleWithin = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task KillDuringParallelCreates_RestartKeepsEveryAcceptedServer_SettledWithoutOrphans()
    {
        var clock = Stopwatch.StartNew();
        using var dir = new TempDataDir();
        var accepted = new ConcurrentBag<string>();
        var answers = new ConcurrentBag<HttpStatusCode>();
        var creates = new List<Task>();
        string activeId;
        var first = await ApplianceProcess.ServeAsync(dir.Path);
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri(first.BaseUrl) };
            var adminToken = await IdentityClient.AdminTokenAsync(client, dir.Path);
            var imageId = await CreateActiveImageAsync(client, adminToken);
            var tokens = new List<string>();
            for (var project = 0; project < ProjectCount; project++)
            {
                var member = await IdentityClient.CreateMemberAsync(client, adminToken, $"restart-{project}", $"restart-user-{project}");
                tokens.Add(await IdentityClient.LoginAsync(client, member.UserName, member.Password, $"restart-{project}"));
            }

            // One server ACTIVE before the kill: its guest dies with the fake host, so the restart must show it SHUTOFF, disks kept.
            activeId = await CreateActiveServerAsync(client, adminToken, imageId);
            var enoughAcknowledged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            creates.AddRange(Enumerable.Range(0, ProjectCount * CreatesPerProject).Select(i => Task.Run(async () =>
            {
                try
                {
                    using var response = await client.SendAsync(IdentityClient.WithToken(HttpMethod.Post, "/v2.1/servers", tokens[i % ProjectCount],
                        $$$"""{"server": {"name": "restart-{{{i}}}", "imageRef": "{{{imageId}}}", "flavorRef": "42"}}"""));
                    var body = await response.Content.ReadAsStringAsync();
                    answers.Add(response.StatusCode);
                    if (response.StatusCode == HttpStatusCode.Accepted)
                    {
                        accepted.Add(JsonDocument.Parse(body).RootElement.GetProperty("server").GetProperty("id").GetString()!);
                        if (accepted.Count >= AcknowledgementsBeforeKill)
                        {
                            enoughAcknowledged.TrySetResult();
                        }
                    }
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
                {
                    // Cut off by the kill: never acknowledged, so the server may or may not exist.
                }
            })));

            output.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s: firing creates");
            await enoughAcknowledged.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            // DisposeAsync is the kill: SIGKILL, no shutdown hooks, no checkpoint.
            await first.DisposeAsync();
        }

        await Task.WhenAll(creates);

        Assert.DoesNotContain(answers, status => (int)status >= 500);
        Assert.True(accepted.Count >= AcknowledgementsBeforeKill);

        await using (var second = await ApplianceProcess.ServeAsync(dir.Path))
        {
            using var client = new HttpClient { BaseAddress = new Uri(second.BaseUrl) };
            var adminToken = await IdentityClient.AdminTokenAsync(client, dir.Path);
            output.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s: restarted; {accepted.Count} acknowledged of {answers.Count} answered");
            var settled = await WaitUntilSettledAsync(client, adminToken, accepted.ToList());
            output.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s: settled: " + string.Join(", ",
                settled.GroupBy(s => s.GetProperty("status").GetString()).Select(g => $"{g.Count()} {g.Key}")));
            foreach (var server in settled)
            {
                var status = server.GetProperty("status").GetString();
                Assert.True(status is "ACTIVE" or "SHUTOFF" or "ERROR", server.ToString());
                if (status == "ERROR")
                {
                    Assert.False(string.IsNullOrEmpty(server.GetProperty("fault").GetProperty("message").GetString()), server.ToString());
                }
            }

            var wasActive = await IdentityClient.SendJsonAsync(client, IdentityClient.WithToken(HttpMethod.Get, $"/v2.1/servers/{activeId}", adminToken), HttpStatusCode.OK);
            Assert.Equal("SHUTOFF", wasActive.GetProperty("server").GetProperty("status").GetString());
            Assert.True(Directory.Exists(Path.Combine(dir.Path, "instances", activeId)), "the disks of a server whose guest vanished are kept");

            var live = (await ListAllAsync(client, adminToken)).Select(s => s.GetProperty("id").GetString()!).ToHashSet(StringComparer.OrdinalIgnoreCase);
            var instances = Path.Combine(dir.Path, "instances");
            var dirs = Directory.Exists(instances) ? Directory.GetDirectories(instances).Select(Path.GetFileName).ToList() : [];
            Assert.All(dirs, name => Assert.Contains(name!, live));
        }

        Assert.Equal("ok", IntegrityCheck(Path.Combine(dir.Path, "appliance.db")));
    }

    /// <summary>GET each accepted server until none is BUILD; every one must answer 200.</summary>
    private static async Task<List<JsonElement>> WaitUntilSettledAsync(HttpClient client, string adminToken, List<string> ids)
    {
        var deadline = DateTime.UtcNow + SettleWithin;
        while (true)
        {
            var servers = new List<JsonElement>();
            foreach (var id in ids)
            {
                var server = await IdentityClient.SendJsonAsync(client, IdentityClient.WithToken(HttpMethod.Get, $"/v2.1/servers/{id}", adminToken), HttpStatusCode.OK);
                servers.Add(server.GetProperty("server"));
            }

            var building = servers.Where(s => s.GetProperty("status").GetString() == "BUILD").ToList();
            if (building.Count == 0)
            {
                return servers;
            }

            Assert.True(DateTime.UtcNow < deadline, $"still BUILD after {SettleWithin.TotalSeconds} s: {string.Join(", ", building.Select(s => s.GetProperty("id")))}");
            await Task.Delay(200);
        }
    }

    private static async Task<string> CreateActiveServerAsync(HttpClient client, string adminToken, string imageId)
    {
        var created = await IdentityClient.SendJsonAsync(client, IdentityClient.WithToken(HttpMethod.Post, "/v2.1/servers", adminToken,
            $$$"""{"server": {"name": "active-before-kill", "imageRef": "{{{imageId}}}", "flavorRef": "42"}}"""), HttpStatusCode.Accepted);
        var id = created.GetProperty("server").GetProperty("id").GetString()!;
        var deadline = DateTime.UtcNow + SettleWithin;
        while (true)
        {
            var server = await IdentityClient.SendJsonAsync(client, IdentityClient.WithToken(HttpMethod.Get, $"/v2.1/servers/{id}", adminToken), HttpStatusCode.OK);
            var status = server.GetProperty("server").GetProperty("status").GetString();
            if (status == "ACTIVE")
            {
                return id;
            }

            Assert.True(status == "BUILD" && DateTime.UtcNow < deadline, server.ToString());
            await Task.Delay(50);
        }
    }

    private static async Task<List<JsonElement>> ListAllAsync(HttpClient client, string adminToken)
    {
        var body = await IdentityClient.SendJsonAsync(client, IdentityClient.WithToken(HttpMethod.Get, "/v2.1/servers?all_tenants=1", adminToken), HttpStatusCode.OK);
        return body.GetProperty("servers").EnumerateArray().ToList();
    }

    private static async Task<string> CreateActiveImageAsync(HttpClient client, string adminToken)
    {
        var image = await IdentityClient.SendJsonAsync(client, IdentityClient.WithToken(HttpMethod.Post, "/image/v2/images", adminToken,
            """{"name": "tiny", "disk_format": "qcow2", "container_format": "bare", "visibility": "public"}"""), HttpStatusCode.Created);
        var id = image.GetProperty("id").GetString()!;
        var upload = IdentityClient.WithToken(HttpMethod.Put, $"/image/v2/images/{id}/file", adminToken);
        upload.Content = ImageApiSession.Bytes(ImageApiSession.Qcow2("64M"));
        Assert.Equal(HttpStatusCode.NoContent, (await client.SendAsync(upload)).StatusCode);
        return id;
    }

    private static string? IntegrityCheck(string databasePath)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = databasePath, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA integrity_check";
        return command.ExecuteScalar() as string;
    }
}
