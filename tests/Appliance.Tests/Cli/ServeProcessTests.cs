using System.Net;
using Appliance.Benchmarks;
using Appliance.Tests.Hosting;

namespace Appliance.Tests.Cli;

/// <summary>The real executable, started as a user would start it: the build's appliance.dll.</summary>
public sealed class ServeProcessTests
{
    private static readonly ApplianceLauncher s_appliance = ApplianceLauncher.BuildOutput();

    [Fact]
    public async Task Serve_OnTestDriver_AnswersHealthz()
    {
        using var dir = new TempDataDir();
        await using var appliance = s_appliance.Start(dir.Path, "test:///default");
        using var client = new HttpClient { BaseAddress = appliance.BaseAddress };
        var deadline = DateTime.UtcNow.AddSeconds(30);
        HttpResponseMessage? response = null;
        while (DateTime.UtcNow < deadline && !appliance.HasExited)
        {
            try
            {
                response = await client.GetAsync("/healthz");
                break;
            }
            catch (HttpRequestException)
            {
                await Task.Delay(100);
            }
        }

        Assert.NotNull(response);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\"status\":\"healthy\"", await response.Content.ReadAsStringAsync());
        Assert.True(File.Exists(Path.Combine(dir.Path, "appliance.db")));
    }

    [Fact]
    public async Task Serve_WithAListenSocket_AnswersThereToo_AndASecondServeRefusesThePath()
    {
        using var dir = new TempDataDir();
        var socket = Path.Combine(dir.Path, "appliance.sock");
        await using var appliance = await s_appliance.ServeAsync(Path.Combine(dir.Path, "data"), socketPath: socket);

        using var client = appliance.CreateClient();
        using var response = await client.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var (exitCode, _, stderr) = await s_appliance.RunAsync("serve", "--data-dir", Path.Combine(dir.Path, "other"), "--libvirt-uri", "test:///default",
            "--listen", "http://127.0.0.1:0", "--listen-socket", socket);
        Assert.Equal(2, exitCode);
        Assert.StartsWith($"appliance: --listen-socket {socket} exists", stderr.TrimEnd());
    }

    [Fact]
    public async Task Serve_WithAnUnusableDataDir_FailsWithOneLine()
    {
        using var dir = new TempDataDir();
        var blocker = Path.Combine(dir.Path, "a-file");
        await File.WriteAllTextAsync(blocker, "");

        var (exitCode, _, stderr) = await s_appliance.RunAsync("serve", "--data-dir", blocker, "--libvirt-uri", "test:///default");

        Assert.Equal(2, exitCode);
        Assert.Equal($"appliance: data dir {blocker} is a file, not a directory", stderr.TrimEnd());
    }

    [Fact]
    public async Task Version_PrintsTheBuildAndMicroversions()
    {
        var (exitCode, stdout, _) = await s_appliance.RunAsync("version");

        Assert.Equal(0, exitCode);
        Assert.Matches(@"^appliance \d+\.\d+\.\d+\ncompute API v2\.1, microversions 2\.1 to 2\.\d+\n$", stdout);
    }

    [Fact]
    public async Task Help_ListsTheVerbs()
    {
        var (exitCode, stdout, _) = await s_appliance.RunAsync("--help");

        Assert.Equal(0, exitCode);
        Assert.Contains("serve", stdout);
        Assert.Contains("version", stdout);
    }
}
