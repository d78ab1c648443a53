using System.Net;
using System.Text.Json;
using Appliance.Tests.Hosting;

namespace Appliance.Tests.Servers;

/// <summary>Many creates at once against one project's quota: the count and insert share a transaction, so exactly the quota gets through.</summary>
public sealed class ServerConcurrencyTests : IAsyncLifetime
{
    private const int ParallelCreates = 200;
    private const int InstancesQuota = 10;
    private const string OverQuotaBody =
        """{"forbidden": {"code": 403, "message": "Quota exceeded for instances: Requested 1, but already used 10 of 10 instances"}}""";

    // 200 POSTs in a moment would also trip the per-project rate limit (120 a minute); this test is about the quota.
    private readonly ServerApiSession _session = new() { Configure = options => options.RateLimits.Enabled = false };

    public Task InitializeAsync() => _session.InitializeAsync();

    public Task DisposeAsync() => _session.DisposeAsync();

    [Fact]
    public async Task ParallelCreates_OverInstancesQuota_AcceptExactlyTheQuota_AndRefuseTheRestWith403()
    {
        var answers = await Task.WhenAll(Enumerable.Range(0, ParallelCreates).Select(i => Task.Run(() => _session.Send(HttpMethod.Post, "/v2.1/servers",
            $$$"""{"server": {"name": "race-{{{i}}}", "imageRef": "{{{_session.ImageId}}}", "flavorRef": "42"}}"""))));

        Assert.DoesNotContain(answers, a => (int)a.Status >= 500);
        var accepted = answers.Where(a => a.Status == HttpStatusCode.Accepted).ToList();
        var refused = answers.Where(a => a.Status == HttpStatusCode.Forbidden).ToList();
        Assert.Equal(InstancesQuota, accepted.Count);
        Assert.Equal(ParallelCreates - InstancesQuota, refused.Count);
        Assert.All(refused, a => JsonAssert.Equal(OverQuotaBody, a.Body));

        var acceptedIds = accepted.Select(a => JsonDocument.Parse(a.Body).RootElement.GetProperty("server").GetProperty("id").GetString()!).ToHashSet();
        var (listStatus, listBody, _) = await _session.Send(HttpMethod.Get, "/v2.1/servers");
        Assert.Equal(HttpStatusCode.OK, listStatus);
        var listed = JsonDocument.Parse(listBody).RootElement.GetProperty("servers").EnumerateArray().Select(s => s.GetProperty("id").GetString()!).ToHashSet();
        Assert.Equal(acceptedIds, listed);

        foreach (var id in acceptedIds)
        {
            var server = await _session.WaitForStatusAsync(id, ["ACTIVE", "ERROR"], TimeSpan.FromSeconds(60));
            Assert.True(server.GetProperty("status").GetString() == "ACTIVE", server.ToString());
        }
    }
}
