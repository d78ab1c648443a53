using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Appliance.Tests.Hosting;

/// <summary>The real executable as a child process: one-shot verbs, or `serve` on a free loopback port until disposed.</summary>
public sealed class ApplianceProcess : IAsyncDisposable
{
    private readonly Process _process;

    private ApplianceProcess(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public string BaseUrl => $"http://127.0.0.1:{Port}";

    /// <summary>
    /// The published single-file executable when APPLIANCE_BINARY names it (tests/run.sh publishes one, so these tests run
    /// the trimmed binary users install), else the build's appliance.dll under dotnet.
    /// </summary>
    public static ProcessStartInfo StartInfo(params string[] args)
    {
        var published = Environment.GetEnvironmentVariable("APPLIANCE_BINARY");
        var start = new ProcessStartInfo(string.IsNullOrEmpty(published) ? Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet" : published)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (string.IsNullOrEmpty(published))
        {
            start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "appliance.dll"));
        }

        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return start;
    }

    /// <summary>Runs a verb to completion: exit code, stdout, stderr.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        using var process = Process.Start(StartInfo(args))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>
    /// Starts `serve` on 127.0.0.1 (with libvirt's test driver unless told otherwise) and waits until /healthz answers;
    /// <paramref name="environment"/> adds variables, e.g. APPLIANCE__Servers__PowerSyncInterval.
    /// </summary>
    public static async Task<ApplianceProcess> ServeAsync(string dataDir, string libvirtUri = "test:///default",
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var port = FreeLoopbackPort();
        var start = StartInfo("serve", "--data-dir", dataDir, "--listen", $"http://127.0.0.1:{port}", "--libvirt-uri", libvirtUri);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }
        var appliance = new ApplianceProcess(Process.Start(start)!, port);
        // Drain the pipes so a chatty log can never block the server.
        _ = appliance._process.StandardOutput.ReadToEndAsync();
        _ = appliance._process.StandardError.ReadToEndAsync();

        using var client = new HttpClient();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline && !appliance._process.HasExited)
        {
            try
            {
                if ((await client.GetAsync($"{appliance.BaseUrl}/healthz")).IsSuccessStatusCode)
                {
                    return appliance;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(100);
        }

        await appliance.DisposeAsync();
        throw new InvalidOperationException($"appliance serve did not answer /healthz on port {port} within 60 s");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
