using System.Net;
using System.Text.Json.Nodes;
using Appliance.Tests.Hosting;
using Appliance.Tests.Servers;

namespace Appliance.Tests.Security;

/// <summary>
/// Many network and port creates at once against small Neutron quotas: each create counts and inserts in one IMMEDIATE
/// transaction, so exactly the limit gets through, every other create is 409 OverQuota, and nothing answers 5xx. Servers
/// racing the user's port creates for the same ports never take the project past its limit either.
/// </summary>
[Trait("Tier", "security")]
public sealed class NetworkQuotaRaceTests : IAsyncLifetime
{
    private const int ParallelCreates = 40;

    // So many POSTs in a moment would also trip the per-project rate limit; this test is about the quota.
    private readonly ServerApiSession _session = new() { Configure = options => options.RateLimits.Enabled = false };

    public Task InitializeAsync() => _session.InitializeAsync();

    public Task DisposeAsync() => _session.DisposeAsync();

    private string Project => _session.Member.ProjectId;

    private static string OverQuota(string resource) =>
        new JsonObject { ["NeutronError"] = new JsonObject { ["type"] = "OverQuota", ["message"] = $"Quota exceeded for resources: ['{resource}'].", ["detail"] = "" } }.ToJsonString();

    private async Task<JsonNode> GetAsync(string path)
    {
        var (status, body, _) = await _session.Send(HttpMethod.Get, "/network/v2.0" + path);
        Assert.True(status == HttpStatusCode.OK, body);
        return JsonNode.Parse(body)!;
    }

    private async Task SetQuotaAsync(string quota)
    {
        var (status, body, _) = await _session.Send(HttpMethod.Put, $"/network/v2.0/quotas/{Project}", $$$"""{"quota": {{{quota}}}}""", _session.AdminToken);
        Assert.True(status == HttpStatusCode.OK, body);
    }

    private Task<(HttpStatusCode Status, string Body, HttpResponseMessage Response)[]> RaceAsync(int count, Func<int, (string Path, string Json)> request) =>
        Task.WhenAll(Enumerable.Range(0, count).Select(i => Task.Run(() => _session.Send(HttpMethod.Post, request(i).Path, request(i).Json))));

    [Fact]
    public async Task ParallelNetworkCreates_OverANetworkQuotaOf5_CreateExactly5_AndRefuseTheRestWith409()
    {
        await SetQuotaAsync("""{"network": 5}""");
        var answers = await RaceAsync(ParallelCreates, i => ("/network/v2.0/networks", $$$"""{"network": {"name": "race-{{{i}}}"}}"""));

        Assert.DoesNotContain(answers, a => (int)a.Status >= 500);
        var created = answers.Where(a => a.Status == HttpStatusCode.Created).ToList();
        var refused = answers.Where(a => a.Status == HttpStatusCode.Conflict).ToList();
        Assert.Equal((5, ParallelCreates - 5), (created.Count, refused.Count));
        Assert.All(refused, a => JsonAssert.Equal(OverQuota("network"), a.Body));
        var createdIds = created.Select(a => JsonNode.Parse(a.Body)!["network"]!["id"]!.GetValue<string>()).ToHashSet();
        var listed = (await GetAsync($"/networks?project_id={Project}"))["networks"]!.AsArray().Select(n => n!["id"]!.GetValue<string>()).ToHashSet();
        Assert.Equal(createdIds, listed);
        Assert.Equal(5, (await GetAsync($"/quotas/{Project}/details"))["quota"]!["network"]!["used"]!.GetValue<int>());
    }

    [Fact]
    public async Task ParallelPortAndServerCreates_OverAPortQuota_NeverPassIt_AndEachRefusalIsNeutronsOrNovas()
    {
        var privateId = (await GetAsync("/networks?name=private"))["networks"]![0]!["id"]!.GetValue<string>();
        var held = (await GetAsync("/ports"))["ports"]!.AsArray().Count;
        const int Room = 10;
        const int Servers = 6;
        await SetQuotaAsync($$$"""{"port": {{{held + Room}}}}""");

        var ports = RaceAsync(ParallelCreates, i => ("/network/v2.0/ports", $$$"""{"port": {"network_id": "{{{privateId}}}", "name": "race-{{{i}}}"}}"""));
        var servers = RaceAsync(Servers, i => ("/v2.1/servers",
            $$$"""{"server": {"name": "race-vm-{{{i}}}", "imageRef": "{{{_session.ImageId}}}", "flavorRef": "42", "networks": [{"uuid": "{{{privateId}}}"}]}}"""));
        var portAnswers = await ports;
        var serverAnswers = await servers;

        Assert.DoesNotContain(portAnswers.Concat(serverAnswers), a => (int)a.Status >= 500);
        Assert.All(portAnswers.Where(a => a.Status != HttpStatusCode.Created), a => Assert.Equal((HttpStatusCode.Conflict, OverQuota("port")), (a.Status, JsonNode.Parse(a.Body)!.ToJsonString())));
        Assert.All(serverAnswers.Where(a => a.Status != HttpStatusCode.Accepted),
            a => JsonAssert.Equal("""{"forbidden": {"code": 403, "message": "Maximum number of ports exceeded"}}""", a.Body));

        // A server accepted before the ports ran out but built after fails with Nova's words; the others are ACTIVE on a port.
        var active = 0;
        foreach (var id in serverAnswers.Where(a => a.Status == HttpStatusCode.Accepted).Select(a => JsonNode.Parse(a.Body)!["server"]!["id"]!.GetValue<string>()))
        {
            var server = await _session.WaitForStatusAsync(id, ["ACTIVE", "ERROR"], TimeSpan.FromSeconds(60));
            if (server.GetProperty("status").GetString() == "ACTIVE")
            {
                active++;
            }
            else
            {
                Assert.Contains("Maximum number of ports exceeded", server.GetProperty("fault").GetProperty("message").GetString());
            }
        }

        var createdPorts = portAnswers.Count(a => a.Status == HttpStatusCode.Created);
        Assert.Equal(Room, createdPorts + active);
        Assert.Equal(held + Room, (await GetAsync("/ports"))["ports"]!.AsArray().Count);
        Assert.Equal(held + Room, (await GetAsync($"/quotas/{Project}/details"))["quota"]!["port"]!["used"]!.GetValue<int>());
    }
}
