using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Appliance.Tests.Hosting;

namespace Appliance.Tests.Cli;

/// <summary>The real executable, started as a user would start it.</summary>
public sealed class ServeProcessTests
{
    private static string ApplianceDll => Path.Combine(AppContext.BaseDirectory, "appliance.dll");

    private static ProcessStartInfo Appliance(params string[] args)
    {
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        var start = new ProcessStartInfo(dotnet) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(ApplianceDll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return start;
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [Fact]
    public async Task Serve_OnTestDriver_AnswersHealthz()
    {
        using var dir = new TempDataDir();
        var port = FreeLoopbackPort();
        using var process = Process.Start(Appliance(
            "serve", "--data-dir", dir.Path, "--listen", $"http://127.0.0.1:{port}", "--libvirt-uri", "test:///default"))!;
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            var deadline = DateTime.UtcNow.AddSeconds(30);
            HttpResponseMessage? response = null;
            while (DateTime.UtcNow < deadline && !process.HasExited)
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
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task Serve_WithAnUnusableDataDir_FailsWithOneLine()
    {
        using var dir = new TempDataDir();
        var blocker = Path.Combine(dir.Path, "a-file");
        await File.WriteAllTextAsync(blocker, "");

        using var process = Process.Start(Appliance("serve", "--data-dir", blocker, "--libvirt-uri", "test:///default"))!;
        var stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.Equal(2, process.ExitCode);
        Assert.Equal($"appliance: data dir {blocker} is a file, not a directory", stderr.TrimEnd());
    }

    [Fact]
    public async Task Version_PrintsTheBuildAndMicroversions()
    {
        using var process = Process.Start(Appliance("version"))!;
        var stdout = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.Equal(0, process.ExitCode);
        Assert.Matches(@"^appliance \d+\.\d+\.\d+\ncompute API v2\.1, microversions 2\.1 to 2\.\d+\n$", stdout);
    }

    [Fact]
    public async Task Help_ListsTheVerbs()
    {
        using var process = Process.Start(Appliance("--help"))!;
        var stdout = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.Equal(0, process.ExitCode);
        Assert.Contains("serve", stdout);
        Assert.Contains("version", stdout);
    }
}
