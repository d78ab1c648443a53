using System.Collections.Concurrent;
using System.Diagnostics;

namespace Appliance.Tests.Networking;

/// <summary>What a command run inside a namespace did.</summary>
public sealed record CommandResult(int ExitCode, string Stdout, string Stderr);

/// <summary>
/// A shell that holds a network namespace (and the mount namespace commands enter with it) open for as long as its stdin
/// stays open, and whatever the test runs inside. When stdin closes (dispose, or the test process dying) the shell kills
/// every process in its network namespace and exits, which ends the namespace; dispose then makes sure nothing is left.
/// </summary>
public abstract class NamespaceHolder : IAsyncDisposable
{
    /// <summary>The shell's part after its setup: wait for stdin to close, then end everything in this network namespace.</summary>
    protected const string HoldThenStop = """
        echo ready
        read -r _ || true
        set +e
        for p in /proc/[0-9]*; do
          pid=${p#/proc/}
          [ "$pid" != $$ ] && [ "$p/ns/net" -ef /proc/$$/ns/net ] && kill -9 "$pid" 2>/dev/null
        done
        exit 0
        """;

    private static readonly TimeSpan StopWithin = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan RunWithin = TimeSpan.FromMinutes(2);

    private readonly Process _holder;
    private readonly ConcurrentQueue<string> _holderOutput = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentBag<Process> _started = [];
    private int _disposed;

    /// <summary>Starts <paramref name="command"/>, which must end up running a script that ends with <see cref="HoldThenStop"/>.</summary>
    protected NamespaceHolder(IEnumerable<string> command, int? mountNamespacePid)
    {
        var start = Describe(command);
        start.RedirectStandardInput = true;
        _holder = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {start.FileName}");
        _holder.OutputDataReceived += (_, line) => Keep(line.Data, stdout: true);
        _holder.ErrorDataReceived += (_, line) => Keep(line.Data, stdout: false);
        _holder.BeginOutputReadLine();
        _holder.BeginErrorReadLine();
        MountNamespacePid = mountNamespacePid ?? _holder.Id;
    }

    /// <summary>The holding shell's PID: /proc/PID/ns/net is the namespace.</summary>
    public int HolderPid => _holder.Id;

    /// <summary>The namespace's identity as /proc/PID/ns/net names it (net:[inode]); known once the holder is ready.</summary>
    public string NetId { get; private set; } = "";

    /// <summary>Whose mount namespace commands run in: the holder's own, or for a peer, the namespace it was made from.</summary>
    public int MountNamespacePid { get; }

    /// <summary>The command prefix that runs the rest of a command line inside (nsenter; absolute paths only past it).</summary>
    public IReadOnlyList<string> Enter => ["nsenter", $"--net=/proc/{HolderPid}/ns/net", $"--mount=/proc/{MountNamespacePid}/ns/mnt", "--"];

    /// <summary>What the holder wrote (its setup's errors among them), for reports of what went wrong.</summary>
    public IReadOnlyList<string> HolderOutput => _holderOutput.ToArray();

    /// <summary>Runs a command inside to its end (2 minutes at most); its exit code and output.</summary>
    public async Task<CommandResult> RunAsync(params string[] command)
    {
        using var process = Process.Start(Describe([.. Enter, .. command])) ?? throw new InvalidOperationException("cannot start nsenter");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(RunWithin);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{string.Join(' ', command)} did not end within {RunWithin} inside namespace {NetId}");
        }

        return new CommandResult(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Runs a command inside; its stdout, or an exception with its stderr when it exits non-zero.</summary>
    public async Task<string> OkAsync(params string[] command)
    {
        var result = await RunAsync(command);
        return result.ExitCode == 0
            ? result.Stdout
            : throw new InvalidOperationException($"{string.Join(' ', command)} exited {result.ExitCode} inside namespace {NetId}: {result.Stderr.Trim()}");
    }

    /// <summary>
    /// Starts a long-running command inside and returns at once; each line it writes (stdout and stderr) goes to
    /// <paramref name="onLine"/>. Dispose kills it if it still runs.
    /// </summary>
    public Process StartProcess(IEnumerable<string> command, Action<string>? onLine = null)
    {
        var process = Process.Start(Describe([.. Enter, .. command])) ?? throw new InvalidOperationException("cannot start nsenter");
        _started.Add(process);
        process.OutputDataReceived += (_, line) => Forward(line.Data);
        process.ErrorDataReceived += (_, line) => Forward(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;

        void Forward(string? line)
        {
            if (line is not null)
            {
                onLine?.Invoke(line);
            }
        }
    }

    /// <summary>The PIDs of every process in this network namespace now (the holder among them until it ends).</summary>
    public IReadOnlyList<int> ProcessesInside() => ProcessesIn(NetId);

    /// <summary>The PIDs of every process whose network namespace is <paramref name="netId"/> (as /proc/PID/ns/net names it).</summary>
    public static IReadOnlyList<int> ProcessesIn(string netId)
    {
        var inside = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), out var pid) && NetIdOf(pid) == netId)
            {
                inside.Add(pid);
            }
        }

        return inside;
    }

    /// <summary>A process's network namespace (net:[inode]), or null when it has gone (or is a zombie).</summary>
    public static string? NetIdOf(int pid)
    {
        try
        {
            return new FileInfo($"/proc/{pid}/ns/net").LinkTarget;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// Waits until the holder says it is ready, then checks it really is in a namespace of its own: anything else would
    /// put the test's traffic, bridges and firewall rules on the host.
    /// </summary>
    protected async Task WaitUntilHeldAsync(TimeSpan within)
    {
        var exited = _holder.WaitForExitAsync();
        var first = await Task.WhenAny(_ready.Task, exited, Task.Delay(within));
        if (first != _ready.Task)
        {
            throw new InvalidOperationException((first == exited ? $"the namespace holder exited with code {_holder.ExitCode}" : $"the namespace holder was not ready within {within}")
                + "; it wrote:\n" + string.Join("\n", HolderOutput));
        }

        NetId = NetIdOf(HolderPid) ?? throw new InvalidOperationException("the namespace holder is gone");
        if (NetId == NetIdOf(Environment.ProcessId) || NetId == NetIdOf(MountNamespacePid) && MountNamespacePid != HolderPid)
        {
            throw new InvalidOperationException($"the holder {HolderPid} shares its network namespace {NetId} with its maker; refusing to use it");
        }
    }

    /// <summary>Kills what <see cref="StartProcess"/> started, ends the holder and with it the namespace; fails if any process is left inside.</summary>
    public virtual async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        foreach (var process in _started)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            await process.WaitForExitAsync();
            process.Dispose();
        }

        // Closing stdin is the holder's signal to end everything inside and exit.
        _holder.StandardInput.Close();
        try
        {
            await _holder.WaitForExitAsync().WaitAsync(StopWithin);
        }
        catch (TimeoutException)
        {
            _holder.Kill();
        }

        await _holder.WaitForExitAsync();
        _holder.Dispose();
        if (NetId.Length > 0)
        {
            await KillLeftoversAsync();
        }
    }

    /// <summary>SIGKILLs, by PID, whatever is still in the namespace (each checked to be inside just before), until nothing is.</summary>
    private async Task KillLeftoversAsync()
    {
        var deadline = DateTime.UtcNow + StopWithin;
        IReadOnlyList<int> left;
        while ((left = ProcessesInside()).Count > 0)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"processes {string.Join(", ", left)} are still in namespace {NetId} after {StopWithin}");
            }

            foreach (var pid in left)
            {
                try
                {
                    using var process = Process.GetProcessById(pid);
                    if (NetIdOf(pid) == NetId)
                    {
                        process.Kill();
                    }
                }
                catch (Exception e) when (e is ArgumentException or InvalidOperationException)
                {
                    // Gone already.
                }
            }

            await Task.Delay(50);
        }
    }

    private static ProcessStartInfo Describe(IEnumerable<string> command)
    {
        var list = command.ToList();
        var start = new ProcessStartInfo(list[0]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in list.Skip(1))
        {
            start.ArgumentList.Add(argument);
        }

        return start;
    }

    private void Keep(string? line, bool stdout)
    {
        if (line is null)
        {
            return;
        }

        _holderOutput.Enqueue(line);
        if (stdout && line == "ready")
        {
            _ready.TrySetResult();
        }
    }
}
