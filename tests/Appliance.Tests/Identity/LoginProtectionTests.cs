using System.Net;
using System.Text.Json.Nodes;
using Appliance.Core.Configuration;
using Appliance.Core.Identity;
using Appliance.Tests.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Appliance.Tests.Identity;

/// <summary>
/// Failed logins against the real pipeline and store: Keystone's lockout on a hand-moved clock (and across a restart),
/// the admin's ways to unlock, and the throttle's 429 that spares other users.
/// </summary>
public sealed class LoginProtectionTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly TempDataDir _dataDir = new();
    private readonly ManualClock _clock = new(Start);
    private ApplianceFactory _appliance;
    private WebApplicationFactory<Program> _factory;

    public LoginProtectionTests() => (_appliance, _factory) = Start_();

    public void Dispose()
    {
        _factory.Dispose();
        _appliance.Dispose();
        _dataDir.Dispose();
    }

    private (ApplianceFactory, WebApplicationFactory<Program>) Start_(Action<ApplianceOptions>? configure = null)
    {
        var appliance = new ApplianceFactory(_dataDir.Path, configure: configure);
        return (appliance, appliance.WithWebHostBuilder(web => web.ConfigureServices(services => services.AddSingleton<TimeProvider>(_clock))));
    }

    private void Restart(Action<ApplianceOptions>? configure = null)
    {
        _factory.Dispose();
        _appliance.Dispose();
        (_appliance, _factory) = Start_(configure);
    }

    private async Task<HttpStatusCode> LoginAsync(string user, string password, string? project = null) =>
        (await IdentityClient.PostTokenAsync(_factory.CreateClient(), IdentityClient.PasswordAuthBody(user, password, project))).StatusCode;

    private async Task<IdentityClient.Member> VictimAsync(string name)
    {
        var client = _factory.CreateClient();
        var admin = await IdentityClient.AdminTokenAsync(client, _dataDir.Path);
        return await IdentityClient.CreateMemberAsync(client, admin, $"{name}-project", name);
    }

    private async Task LockAsync(IdentityClient.Member victim)
    {
        for (var i = 0; i < 6; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await LoginAsync(victim.UserName, "wrong"));
        }
    }

    [Fact]
    public async Task SixFailures_LockTheUser_TheRightPasswordGetsTheSame401_UntilTheDurationPasses_AndTheLockSurvivesARestart()
    {
        var victim = await VictimAsync("victim");
        Assert.Equal(HttpStatusCode.Created, await LoginAsync(victim.UserName, victim.Password));
        await LockAsync(victim);

        var locked = await IdentityClient.PostTokenAsync(_factory.CreateClient(), IdentityClient.PasswordAuthBody(victim.UserName, victim.Password, null));
        var wrong = await IdentityClient.PostTokenAsync(_factory.CreateClient(), IdentityClient.PasswordAuthBody("nobody-at-all", "wrong", null));
        Assert.Equal(HttpStatusCode.Unauthorized, locked.StatusCode);
        Assert.Equal(await wrong.Content.ReadAsStringAsync(), await locked.Content.ReadAsStringAsync()); // no hint that the name exists
        var lockouts = _appliance.Logs.Entries.Count(e => e.Message.Contains("locked after 6 failed logins", StringComparison.Ordinal));
        Assert.Equal(1, lockouts);

        // A restart forgets nothing: the count is in the store.
        Restart();
        _clock.Advance(TimeSpan.FromMinutes(14));
        Assert.Equal(HttpStatusCode.Unauthorized, await LoginAsync(victim.UserName, victim.Password));
        Assert.Equal(
            [victim.UserName],
            (await _factory.Services.GetRequiredService<AccountLockout>().LockedAsync()).Select(u => u.Name));

        // 15 minutes after the last failure that counted (the refused right password did not extend it), the lock is over.
        _clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.Created, await LoginAsync(victim.UserName, victim.Password, $"{victim.UserName}-project"));
        Assert.Empty(await _factory.Services.GetRequiredService<AccountLockout>().LockedAsync());

        // The good login cleared the count: five more failures do not lock.
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await LoginAsync(victim.UserName, "wrong"));
        }

        Assert.Equal(HttpStatusCode.Created, await LoginAsync(victim.UserName, victim.Password));
    }

    [Fact]
    public async Task AnAdminUnlocks_ByUnlockOrByANewPassword()
    {
        Restart(options => options.Logins.FailuresPerUser = 100); // two locks in a row: more failures than the throttle's burst
        var victim = await VictimAsync("unlock-me");
        await LockAsync(victim);
        Assert.Equal(HttpStatusCode.Unauthorized, await LoginAsync(victim.UserName, victim.Password));

        Assert.True(await _factory.Services.GetRequiredService<AccountLockout>().UnlockAsync(victim.UserId));
        Assert.Equal(HttpStatusCode.Created, await LoginAsync(victim.UserName, victim.Password));

        await LockAsync(victim);
        var client = _factory.CreateClient();
        var admin = await IdentityClient.AdminTokenAsync(client, _dataDir.Path);
        var reset = await client.SendAsync(IdentityClient.WithToken(HttpMethod.Patch, $"/identity/v3/users/{victim.UserId}", admin,
            """{"user": {"password": "a-new-password-1"}}"""));
        Assert.Equal(HttpStatusCode.OK, reset.StatusCode);
        Assert.Equal(HttpStatusCode.Created, await LoginAsync(victim.UserName, "a-new-password-1"));
    }

    [Fact]
    public async Task PastTenFailuresForOneName_TheThrottleAnswers429WithRetryAfter_BeforeHashing_WhileOthersStillLogIn()
    {
        Restart(options => options.Logins.FailureRefill = TimeSpan.FromHours(1)); // no failure comes back while the test runs
        var victim = await VictimAsync("flooded");
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await LoginAsync(victim.UserName, "wrong"));
        }

        var refused = await IdentityClient.PostTokenAsync(_factory.CreateClient(), IdentityClient.PasswordAuthBody(victim.UserName, "wrong", null));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal(TimeSpan.FromMinutes(6), refused.Headers.RetryAfter!.Delta); // ten an hour: one back every 6 minutes
        JsonAssert.Equal("""{"error": {"code": 429, "title": "Too Many Requests", "message": "Too many failed logins; try again later."}}""",
            await refused.Content.ReadAsStringAsync());
        Assert.Equal(1, _appliance.Logs.Entries.Count(e => e.Message.StartsWith("Throttling failed logins for user flooded for 360 s", StringComparison.Ordinal)));
        Assert.Equal(HttpStatusCode.TooManyRequests, await LoginAsync(victim.UserName, "wrong"));
        Assert.Equal(1, _appliance.Logs.Entries.Count(e => e.Message.StartsWith("Throttling failed logins for user flooded for 360 s", StringComparison.Ordinal)));

        // Another user is not slowed, and the admin's own login works.
        var other = await VictimAsync("bystander");
        Assert.Equal(HttpStatusCode.Created, await LoginAsync(other.UserName, other.Password));
        Assert.Equal(HttpStatusCode.Created, await LoginAsync("admin", IdentityClient.AdminPassword(_dataDir.Path), "admin"));
        Assert.DoesNotContain(_appliance.Logs.Entries, e => e.Message.Contains("wrong", StringComparison.Ordinal));
    }
}
