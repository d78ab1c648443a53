using System.Net;
using System.Text.Json.Nodes;
using Appliance.Tests.Hosting;
using Appliance.Tests.Identity;

namespace Appliance.Tests.Quotas;

/// <summary>Nova's per-project rate limits with small values: consumption shown by /limits, 429 overLimit, windows, isolation.</summary>
public sealed class RateLimitTests : IAsyncLifetime
{
    private const int Allowed = 3;

    private readonly ClockedAppliance _appliance = new(options =>
    {
        foreach (var rule in new[] { options.RateLimits.Post, options.RateLimits.ServerPost, options.RateLimits.Put, options.RateLimits.ChangesSince, options.RateLimits.Delete })
        {
            rule.Value = Allowed;
        }
    });

    public Task InitializeAsync() => _appliance.InitializeAsync();

    public Task DisposeAsync() => _appliance.DisposeAsync();

    private async Task<JsonNode> Rate(string? token = null)
    {
        var (status, body) = await _appliance.SendText(HttpMethod.Get, "/v2.1/limits", token);
        Assert.Equal(HttpStatusCode.OK, status);
        return JsonNode.Parse(body)!["limits"]!["rate"]!;
    }

    private Task<HttpResponseMessage> DeleteMissingKeyPair(string? token = null) =>
        _appliance.Send(HttpMethod.Delete, "/v2.1/os-keypairs/missing", token);

    [Fact]
    public async Task Deletes_CountDownInLimits_ThenAreRefusedWith429UntilTheWindowEnds()
    {
        var now = ClockedAppliance.Iso(ClockedAppliance.Start);
        for (var used = 1; used < Allowed; used++)
        {
            Assert.Equal(HttpStatusCode.NotFound, (await DeleteMissingKeyPair()).StatusCode);
            JsonAssert.Equal(LimitsBodies.Rate(now, post: 3, serverPost: 3, put: 3, changesSince: 3, delete: Allowed - used, value: Allowed), (await Rate()).ToJsonString());
        }

        Assert.Equal(HttpStatusCode.NotFound, (await DeleteMissingKeyPair()).StatusCode);

        _appliance.Clock.Advance(TimeSpan.FromSeconds(20));
        var refused = await DeleteMissingKeyPair();

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("40", refused.Headers.GetValues("Retry-After").Single());
        JsonAssert.Equal("""
            {"overLimit": {"code": 429, "message": "This request was rate-limited.",
                           "details": "Only 3 DELETE request(s) can be made to * every minute.", "retryAfter": "40"}}
            """, await refused.Content.ReadAsStringAsync());
        var windowEnds = ClockedAppliance.Iso(ClockedAppliance.Start.AddMinutes(1));
        var rate = await Rate();
        JsonAssert.Equal($$"""{"verb": "DELETE", "value": 3, "remaining": 0, "unit": "MINUTE", "next-available": "{{windowEnds}}"}""",
            rate[0]!["limit"]![2]!.ToJsonString());

        _appliance.Clock.Advance(TimeSpan.FromSeconds(40));
        Assert.Equal(HttpStatusCode.NotFound, (await DeleteMissingKeyPair()).StatusCode);
        Assert.Equal(Allowed - 1, (int)(await Rate())[0]!["limit"]![2]!["remaining"]!);
    }

    [Fact]
    public async Task ServerPosts_CountAgainstBothPostRules()
    {
        for (var i = 0; i < Allowed; i++)
        {
            Assert.NotEqual(HttpStatusCode.TooManyRequests, (await _appliance.Send(HttpMethod.Post, "/v2.1/servers", json: "{}")).StatusCode);
        }

        var refused = await _appliance.Send(HttpMethod.Post, "/v2.1/servers", json: "{}");

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("Only 3 POST request(s) can be made to * every minute.", JsonNode.Parse(await refused.Content.ReadAsStringAsync())!["overLimit"]!["details"]!.GetValue<string>());
        var rate = await Rate();
        Assert.Equal(0, (int)rate[0]!["limit"]![0]!["remaining"]!);
        Assert.Equal(0, (int)rate[1]!["limit"]![0]!["remaining"]!);
    }

    [Fact]
    public async Task ChangesSince_OnlyGetsWithItAreCounted()
    {
        await _appliance.Send(HttpMethod.Get, "/v2.1/flavors");
        await _appliance.Send(HttpMethod.Get, "/v2.1/flavors/detail?changes-since=2026-01-01T00:00:00Z");

        var rate = await Rate();

        Assert.Equal(Allowed - 1, (int)rate[2]!["limit"]![0]!["remaining"]!);
        Assert.Equal(Allowed, (int)rate[0]!["limit"]![0]!["remaining"]!);
    }

    [Fact]
    public async Task OneProjectOverItsLimit_DoesNotLimitAnother()
    {
        var member = await IdentityClient.CreateMemberAsync(_appliance.Client, _appliance.AdminToken, "rate-project", "rita");
        var memberToken = await IdentityClient.LoginAsync(_appliance.Client, member.UserName, member.Password, "rate-project");
        for (var i = 0; i < Allowed; i++)
        {
            await DeleteMissingKeyPair(memberToken);
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, (await DeleteMissingKeyPair(memberToken)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await DeleteMissingKeyPair()).StatusCode);
        Assert.Equal(0, (int)(await Rate(memberToken))[0]!["limit"]![2]!["remaining"]!);
        Assert.Equal(Allowed - 1, (int)(await Rate())[0]!["limit"]![2]!["remaining"]!);
    }

    [Fact]
    public async Task RequestsWithoutAToken_AreRefusedByAuthNotCounted()
    {
        for (var i = 0; i <= Allowed; i++)
        {
            var response = await _appliance.Client.DeleteAsync("/v2.1/os-keypairs/missing");
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        Assert.Equal(Allowed, (int)(await Rate())[0]!["limit"]![2]!["remaining"]!);
    }

    [Fact]
    public async Task IdentityAndImageCalls_AreNotLimited()
    {
        for (var i = 0; i <= Allowed; i++)
        {
            var response = await _appliance.Send(HttpMethod.Delete, "/image/v2/images/00000000-0000-0000-0000-000000000000");
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }
    }
}

/// <summary>With rate limits turned off nothing is refused and /limits shows no rate section, as Nova without the middleware.</summary>
public sealed class RateLimitsDisabledTests : IAsyncLifetime
{
    private readonly ClockedAppliance _appliance = new(options =>
    {
        options.RateLimits.Enabled = false;
        options.RateLimits.Delete.Value = 1;
    });

    public Task InitializeAsync() => _appliance.InitializeAsync();

    public Task DisposeAsync() => _appliance.DisposeAsync();

    [Fact]
    public async Task Disabled_NothingIsRefused_AndRateIsEmpty()
    {
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.NotFound, (await _appliance.Send(HttpMethod.Delete, "/v2.1/os-keypairs/missing")).StatusCode);
        }

        var (_, body) = await _appliance.SendText(HttpMethod.Get, "/v2.1/limits");
        Assert.Equal("[]", JsonNode.Parse(body)!["limits"]!["rate"]!.ToJsonString());
    }
}
