using System.Net;
using Appliance.Benchmarks;
using Appliance.Tests.Hosting;
using Appliance.Tests.Identity;

namespace Appliance.Tests.Cli;

/// <summary>`appliance project create`, `user create` and `user list`, run as a user would, on a data dir of their own.</summary>
public sealed class IdentityCommandTests
{
    [Fact]
    public async Task ProjectAndUserCreate_ThenUserList_ShowsTheUser()
    {
        using var dir = new TempDataDir();

        var project = await ApplianceProcess.RunAsync("project", "create", "demo", "--data-dir", dir.Path);
        var user = await ApplianceProcess.RunAsync("user", "create", "u1", "--project", "demo", "--role", "member", "--data-dir", dir.Path);
        var list = await ApplianceProcess.RunAsync("user", "list", "--data-dir", dir.Path);

        Assert.Equal(0, project.ExitCode);
        Assert.Matches($"^First use of {dir.Path}: admin credentials written to {dir.Path}/admin-openrc\nCreated project demo \\([0-9a-f]{{32}}\\)\n$", project.Stdout);
        Assert.Equal(0, user.ExitCode);
        Assert.Matches("^Created user u1 \\([0-9a-f]{32}\\) with role member on project demo\nPassword: [A-Za-z0-9_-]{24}\n$", user.Stdout);
        Assert.Equal(0, list.ExitCode);
        var lines = list.Stdout.TrimEnd().Split('\n');
        Assert.Matches("^ID +Name +Domain +Default project +Enabled$", lines[0]);
        Assert.Equal(["admin", "u1"], lines.Skip(1).Select(line => line.Split("  ", StringSplitOptions.RemoveEmptyEntries)[1]).ToArray());
    }

    [Fact]
    public async Task UserUnlock_EndsALockout_SoTheRightPasswordWorksAgain()
    {
        using var dir = new TempDataDir();
        var user = await ApplianceProcess.RunAsync("user", "create", "u1", "--project", "admin", "--data-dir", dir.Path);
        var password = user.Stdout.Split("Password: ")[1].Trim();
        using (var appliance = new ApplianceFactory(dir.Path))
        {
            var client = appliance.CreateClient();
            for (var i = 0; i < 6; i++)
            {
                Assert.Equal(HttpStatusCode.Unauthorized, (await IdentityClient.PostTokenAsync(client, IdentityClient.PasswordAuthBody("u1", "wrong", null))).StatusCode);
            }

            Assert.Equal(HttpStatusCode.Unauthorized, (await IdentityClient.PostTokenAsync(client, IdentityClient.PasswordAuthBody("u1", password, null))).StatusCode);
        }

        var unlock = await ApplianceProcess.RunAsync("user", "unlock", "u1", "--data-dir", dir.Path);
        var unknown = await ApplianceProcess.RunAsync("user", "unlock", "nobody", "--data-dir", dir.Path);

        Assert.Equal(0, unlock.ExitCode);
        Assert.Matches("^Unlocked user u1 \\([0-9a-f]{32}\\)\n$", unlock.Stdout);
        Assert.Equal((1, "appliance: Could not find user: nobody.\n"), (unknown.ExitCode, unknown.Stderr));
        using (var appliance = new ApplianceFactory(dir.Path))
        {
            Assert.Equal(HttpStatusCode.Created, (await IdentityClient.PostTokenAsync(appliance.CreateClient(), IdentityClient.PasswordAuthBody("u1", password, null))).StatusCode);
        }
    }

    [Fact]
    public async Task UserCreate_ForAnUnknownProject_FailsWithOneLine()
    {
        using var dir = new TempDataDir();

        var result = await ApplianceProcess.RunAsync("user", "create", "u1", "--project", "nowhere", "--data-dir", dir.Path);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("appliance: Could not find project: nowhere.\n", result.Stderr);
    }

    [Fact]
    public async Task Serve_WithAMalformedTokenLifetime_FailsWithOneLine()
    {
        using var dir = new TempDataDir();
        var (exitCode, _, stderr) = await ServeWithAsync(dir.Path, "APPLIANCE_TOKEN_LIFETIME", "1h");

        Assert.Equal(2, exitCode);
        Assert.Equal("appliance: Failed to convert configuration value '1h' at 'Appliance:TokenLifetime' to type 'System.TimeSpan'.", stderr.TrimEnd());
    }

    [Fact]
    public async Task Serve_TakesAnySettingAsAnApplianceVariable_ByItsPath()
    {
        using var dir = new TempDataDir();
        var (exitCode, _, stderr) = await ServeWithAsync(dir.Path, "APPLIANCE__RateLimits__Delete__Unit", "WEEK");

        Assert.Equal(2, exitCode);
        Assert.Equal("appliance: RateLimits:Delete:Unit must be SECOND, MINUTE, HOUR or DAY, not 'WEEK'", stderr.TrimEnd());
    }

    /// <summary>`serve` on libvirt's test driver with one environment variable set: what it says when it refuses to start.</summary>
    private static Task<(int ExitCode, string Stdout, string Stderr)> ServeWithAsync(string dataDir, string variable, string value) =>
        ApplianceLauncher.FromEnvironment().WithEnvironment(variable, value).RunAsync("serve", "--data-dir", dataDir, "--libvirt-uri", "test:///default");
}
