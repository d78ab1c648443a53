using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Appliance.Benchmarks;

/// <summary>
/// How to start the appliance under test, for the tests and the benchmarks alike: a published single-file executable or
/// `dotnet appliance.dll`, with settings given as APPLIANCE__Section__Key variables (e.g. rate limits off for a load run).
/// </summary>
public sealed record ApplianceLauncher(string FileName, IReadOnlyList<string> LeadingArguments)
{
    public const string TestDriverUri = "test:///default";

    private const string NetworkingSetting = "APPLIANCE__Networking__Enabled";

    /// <summary>How long a one-shot verb may take.</summary>
    private static readonly TimeSpan RunWithin = TimeSpan.FromMinutes(2);

    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// The tests' appliance: the published single file APPLIANCE_BINARY names (tests/run.sh publishes one, so the tests run
    /// the trimmed binary users install), else the build output's appliance.dll.
    /// </summary>
    public static ApplianceLauncher FromEnvironment() =>
        System.Environment.GetEnvironmentVariable("APPLIANCE_BINARY") is { Length: > 0 } published ? Binary(published) : BuildOutput();

    /// <summary>The appliance.dll the build copied beside the running assembly (a test's output), run with dotnet.</summary>
    public static ApplianceLauncher BuildOutput() => Dll(Path.Combine(AppContext.BaseDirectory, "appliance.dll"));

    /// <summary>A published executable, or an appliance.dll of a build output (run with dotnet).</summary>
    public static ApplianceLauncher Binary(string path) =>
        path.EndsWith(".dll", StringComparison.Ordinal) ? Dll(path) : new(path, []);

    public static ApplianceLauncher Dll(string path) =>
        new(System.Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet", [path]);

    /// <summary>The same launcher with one more setting, by its path under Appliance (e.g. "RateLimits:Enabled").</summary>
    public ApplianceLauncher WithSetting(string path, string value) =>
        WithEnvironment("APPLIANCE__" + path.Replace(":", "__", StringComparison.Ordinal), value);

    /// <summary>
    /// The same launcher started through a prefix command that ends by running the rest of its command line, e.g. nsenter
    /// into a network namespace: <paramref name="file"/> <paramref name="arguments"/> appliance args.
    /// </summary>
    public ApplianceLauncher Through(string file, params IEnumerable<string> arguments) =>
        this with { FileName = file, LeadingArguments = [.. arguments, FileName, .. LeadingArguments] };

    /// <summary>The same launcher with one more environment variable for the process.</summary>
    public ApplianceLauncher WithEnvironment(string name, string value) => this with
    {
        Environment = new Dictionary<string, string>(Environment) { [name] = value },
    };

    /// <summary>The process to start for a verb and its arguments, its output redirected.</summary>
    public ProcessStartInfo StartInfo(params IEnumerable<string> args)
    {
        var start = new ProcessStartInfo(FileName) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in LeadingArguments.Concat(args))
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in Environment)
        {
            start.Environment[name] = value;
        }

        return start;
    }

    /// <summary>Runs a one-shot verb (check, version, user create, a serve that must refuse ...) to its end.</summary>
    public async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        using var process = Process.Start(StartInfo(args)) ?? throw new InvalidOperationException($"cannot start {FileName}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(RunWithin);
        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>
    /// Starts `serve` on 127.0.0.1 (on the given port, else a free one) without waiting for it to answer; with a socket path,
    /// also on that unix socket, and the harness talks to it there (for an appliance in a network namespace of its own).
    /// </summary>
    public ApplianceProcess Start(string dataDir, string libvirtUri = TestDriverUri, int? port = null, string? socketPath = null)
    {
        var listenPort = port ?? FreeLoopbackPort();
        string[] socket = socketPath is null ? [] : ["--listen-socket", socketPath];
        // A test never makes a network on the host's own libvirt (a bridge, NAT rules): only inside a namespace it made,
        // whose launcher turns networking on again.
        var launcher = libvirtUri != TestDriverUri && !Environment.ContainsKey(NetworkingSetting) ? WithSetting("Networking:Enabled", "false") : this;
        var start = launcher.StartInfo(["serve", "--data-dir", dataDir, "--listen", $"http://127.0.0.1:{listenPort}", "--libvirt-uri", libvirtUri, .. socket]);
        var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {FileName}");
        return new ApplianceProcess(process, listenPort, socketPath);
    }

    /// <summary>
    /// Starts `serve` on a free loopback port and waits until /healthz answers 200. If it never does (or the process exits),
    /// the process is stopped and the exception carries the last lines it wrote.
    /// </summary>
    public async Task<ApplianceProcess> ServeAsync(string dataDir, string libvirtUri = TestDriverUri, TimeSpan? within = null, string? socketPath = null)
    {
        var appliance = Start(dataDir, libvirtUri, socketPath: socketPath);
        try
        {
            await appliance.WaitForOkAsync("/healthz", within ?? TimeSpan.FromSeconds(60), every: TimeSpan.FromMilliseconds(20));
            return appliance;
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException)
        {
            await appliance.DisposeAsync();
            throw new InvalidOperationException($"appliance serve on port {appliance.Port} did not come up: {e.Message}; its last output:\n" +
                string.Join("\n", appliance.Output.TakeLast(60)), e);
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>
/// The real appliance executable as a child process serving on a loopback port (and a unix socket, when it was given one),
/// its output kept for reports of what went wrong; stopped by its PID. Started by an <see cref="ApplianceLauncher"/>; the
/// static members use the tests' launcher.
/// </summary>
public sealed class ApplianceProcess : IAsyncDisposable
{
    private const int KeptOutputLines = 400;
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private int _disposed;

    internal ApplianceProcess(Process process, int port, string? socketPath = null)
    {
        _process = process;
        Port = port;
        SocketPath = socketPath;
        // Read both pipes as they come, so a chatty log can never block the server.
        process.OutputDataReceived += (_, line) => Keep(line.Data);
        process.ErrorDataReceived += (_, line) => Keep(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int Port { get; }

    /// <summary>The unix socket it also serves on, if any; <see cref="CreateClient"/> connects there.</summary>
    public string? SocketPath { get; }

    public string BaseUrl => $"http://127.0.0.1:{Port}";

    public Uri BaseAddress => new(BaseUrl);

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>The last lines the process wrote (stdout and stderr), for reports of what went wrong.</summary>
    public IReadOnlyList<string> Output => _output.ToArray();

    /// <summary>A one-shot verb of the tests' appliance (<see cref="ApplianceLauncher.FromEnvironment"/>): exit code, stdout, stderr.</summary>
    public static Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] args) =>
        ApplianceLauncher.FromEnvironment().RunAsync(args);

    /// <summary>The tests' appliance serving on a free loopback port (libvirt's test driver unless told otherwise), answering /healthz.</summary>
    public static Task<ApplianceProcess> ServeAsync(string dataDir, string libvirtUri = ApplianceLauncher.TestDriverUri) =>
        ApplianceLauncher.FromEnvironment().ServeAsync(dataDir, libvirtUri);

    /// <summary>
    /// A client with <see cref="BaseAddress"/>: over the unix socket when there is one (the loopback port may be another
    /// network namespace's), else over TCP. Requests still name <see cref="BaseUrl"/>, so the URLs the appliance hands back
    /// are the ones a client beside it uses.
    /// </summary>
    public HttpClient CreateClient(TimeSpan? timeout = null)
    {
        var handler = new SocketsHttpHandler();
        if (SocketPath is { } socketPath)
        {
            handler.ConnectCallback = async (_, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            };
        }

        return new HttpClient(handler) { BaseAddress = BaseAddress, Timeout = timeout ?? TimeSpan.FromSeconds(100) };
    }

    /// <summary>Polls until the path answers 200 (every 2 ms unless told otherwise); returns the time from process start.</summary>
    public async Task<TimeSpan> WaitForOkAsync(string path, TimeSpan timeout, TimeSpan? every = null)
    {
        using var client = CreateClient(TimeSpan.FromSeconds(2));
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

            await Task.Delay(every ?? TimeSpan.FromMilliseconds(2));
        }

        throw new TimeoutException($"the appliance did not answer {path} within {timeout}");
    }

    /// <summary>SIGKILL by PID: no shutdown hooks, no checkpoint, as a crash or the OOM killer leaves it.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: false);
        }

        await _process.WaitForExitAsync();
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

    /// <summary>Kills the process and whatever it started, if it still runs; once.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
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
}
