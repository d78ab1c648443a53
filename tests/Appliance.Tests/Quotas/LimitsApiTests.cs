using System.Net;
using System.Text.Json.Nodes;
using Appliance.Tests.Hosting;
using Appliance.Tests.Identity;

namespace Appliance.Tests.Quotas;

/// <summary>GET /limits at 2.1 and on the legacy paths: Nova's absolute limits, usage from the servers table, the seed's rate limits.</summary>
public sealed class LimitsApiTests : IAsyncLifetime
{
    private readonly ClockedAppliance _appliance = new();

    public Task InitializeAsync() => _appliance.InitializeAsync();

    public Task DisposeAsync() => _appliance.DisposeAsync();

    private static string Limits(string absolute, string rate) => $$$"""{"limits": {"absolute": {{{absolute}}}, "rate": {{{rate}}} }}""";

    [Fact]
    public async Task Limits_Fresh_AreNovasSampleWithTheSeedsRateLimitsFull()
    {
        foreach (var version in new[] { "v2.1", "v2", "v1.1" })
        {
            var (status, body) = await _appliance.SendText(HttpMethod.Get, $"/{version}/limits");

            Assert.Equal(HttpStatusCode.OK, status);
            JsonAssert.Equal(Limits(LimitsBodies.Absolute(), LimitsBodies.Rate(ClockedAppliance.Iso(ClockedAppliance.Start))), body);
        }
    }

    [Fact]
    public async Task Limits_CountTheProjectsServersThatAreNotDeleted()
    {
        var member = await IdentityClient.CreateMemberAsync(_appliance.Client, _appliance.AdminToken, "limits-project", "lena");
        var token = await IdentityClient.LoginAsync(_appliance.Client, member.UserName, member.Password, "limits-project");
        await ServerRows.InsertAsync(_appliance.Database, member.ProjectId, vcpus: 2, memoryMb: 2048);
        await ServerRows.InsertAsync(_appliance.Database, member.ProjectId, vcpus: 4, memoryMb: 4096);
        await ServerRows.InsertAsync(_appliance.Database, member.ProjectId, vcpus: 8, memoryMb: 8192, deleted: true);

        var (status, body) = await _appliance.SendText(HttpMethod.Get, "/v2.1/limits", token);

        Assert.Equal(HttpStatusCode.OK, status);
        JsonAssert.Equal(LimitsBodies.Absolute(instancesUsed: 2, coresUsed: 6, ramUsed: 6144), JsonNode.Parse(body)!["limits"]!["absolute"]!.ToJsonString());
    }

    [Fact]
    public async Task Limits_TenantIdAsAdmin_ShowsThatProjectsLimitsAndUsage()
    {
        var member = await IdentityClient.CreateMemberAsync(_appliance.Client, _appliance.AdminToken, "limits-project", "lena");
        await _appliance.SendText(HttpMethod.Put, $"/v2.1/os-quota-sets/{member.ProjectId}", json: """{"quota_set": {"instances": 4}}""");
        await ServerRows.InsertAsync(_appliance.Database, member.ProjectId, vcpus: 1, memoryMb: 512);

        var (status, body) = await _appliance.SendText(HttpMethod.Get, $"/v2.1/limits?tenant_id={member.ProjectId}");

        Assert.Equal(HttpStatusCode.OK, status);
        JsonAssert.Equal(LimitsBodies.Absolute(instances: 4, instancesUsed: 1, coresUsed: 1, ramUsed: 512), JsonNode.Parse(body)!["limits"]!["absolute"]!.ToJsonString());
    }

    [Fact]
    public async Task Limits_TenantIdAsMember_Returns403EvenForItsOwnProject()
    {
        var member = await IdentityClient.CreateMemberAsync(_appliance.Client, _appliance.AdminToken, "limits-project", "lena");
        var token = await IdentityClient.LoginAsync(_appliance.Client, member.UserName, member.Password, "limits-project");

        var (status, body) = await _appliance.SendText(HttpMethod.Get, $"/v2.1/limits?tenant_id={member.ProjectId}", token);

        Assert.Equal(HttpStatusCode.Forbidden, status);
        JsonAssert.Equal("""{"forbidden": {"code": 403, "message": "Policy doesn't allow os_compute_api:limits:other_project to be performed."}}""", body);
    }
}
