using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Appliance.Benchmarks.Reliability;

namespace Appliance.Benchmarks;

/// <summary>A real appliance process on a loopback port with its own data dir; stopped by its PID.</summary>
public sealed class ApplianceProcess : IAsyncDisposable
{
    private const int KeptOutputLines = 400;
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private int _disposed;

    public int Port { get; }
    public Uri BaseAddress => new($"http://127.0.0.1:{Port}");
    public int Pid => _process.Id;

    private ApplianceProcess(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public static ApplianceProcess Start(string binary, string dataDir, string libvirtUri = "test:///default") =>
        Start(ApplianceLauncher.Binary(binary), dataDir, libvirtUri);

    /// <summary>Starts `serve` on 127.0.0.1 (on the given port, else a free one) with settings as APPLIANCE__ variables.</summary>
    public static ApplianceProcess Start(ApplianceLauncher launcher, string dataDir, string libvirtUri, int? port = null)
    {
        var listenPort = port ?? FreeLoopbackPort();
        var start = new ProcessStartInfo(launcher.FileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in launcher.LeadingArguments.Concat(["serve", "--data-dir", dataDir, "--listen", $"http://127.0.0.1:{listenPort}", "--libvirt-uri", libvirtUri]))
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in launcher.Environment)
        {
            start.Environment[name] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {launcher.FileName}");
        var appliance = new ApplianceProcess(process, listenPort);
        process.OutputDataReceived += (_, line) => appliance.Keep(line.Data);
        process.ErrorDataReceived += (_, line) => appliance.Keep(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return appliance;
    }

    public bool HasExited => _process.HasExited;

    /// <summary>The last lines the process wrote (stdout and stderr), for reports of what went wrong.</summary>
    public IReadOnlyList<string> Output => _output.ToArray();

    /// <summary>SIGKILL by PID: no shutdown hooks, no checkpoint, as a crash or the OOM killer leaves it.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: false);
        }

        await _process.WaitForExitAsync();
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        while (_output.Count > KeptOutputLines && _output.TryDequeue(out _))
        {
        }
    }

    /// <summary>Polls until the path answers 200; returns the time from process start.</summary>
    public async Task<TimeSpan> WaitForOkAsync(string path, TimeSpan timeout)
    {
        using var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"the appliance exited with code {_process.ExitCode}");
            }

            try
            {
                using var response = await client.GetAsync(path);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return DateTime.Now - _process.StartTime;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet, or too busy to answer within the poll's timeout.
            }

            await Task.Delay(2);
        }

        throw new TimeoutException($"the appliance did not answer {path} within {timeout}");
    }

    /// <summary>Resident set size from /proc, in MiB.</summary>
    public double ResidentMiB()
    {
        foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                var kib = long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture);
                return kib / 1024.0;
            }
        }

        return double.NaN;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
