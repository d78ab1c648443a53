using System.Diagnostics;

namespace Appliance.Hypervisor.Processes;

/// <summary>Runs a host program with an argument list (never a shell) and returns its output, or throws with its stderr.</summary>
public static class HostCommand
{
    public static Task<string> RunAsync(string program, IEnumerable<string> arguments, CancellationToken cancellationToken = default) =>
        RunAsync(program, arguments, new Dictionary<string, string>(), cancellationToken);

    /// <summary>As RunAsync, with <paramref name="standardInput"/> written to the program's stdin (e.g. <c>nft -f -</c>).</summary>
    public static Task<string> RunWithInputAsync(string program, IEnumerable<string> arguments, string standardInput, CancellationToken cancellationToken = default) =>
        RunAsync(program, arguments, new Dictionary<string, string>(), cancellationToken, standardInput);

    /// <summary>As RunAsync, with variables added to the program's environment.</summary>
    public static async Task<string> RunAsync(string program, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment,
        CancellationToken cancellationToken = default, string? standardInput = null)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = standardInput is not null,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new HostCommandException(program, -1, "could not start");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        if (standardInput is not null)
        {
            await process.StandardInput.WriteAsync(standardInput.AsMemory(), cancellationToken).ConfigureAwait(false);
            process.StandardInput.Close();
        }

        try
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The caller gave up: the child must not outlive the request that started it.
            process.Kill(entireProcessTree: true);
            throw;
        }

        var output = await stdout.ConfigureAwait(false);
        var error = await stderr.ConfigureAwait(false);
        return process.ExitCode == 0
            ? output
            : throw new HostCommandException(Describe(start), process.ExitCode, error.Trim());
    }

    private static string Describe(ProcessStartInfo start) => $"{start.FileName} {string.Join(' ', start.ArgumentList)}";
}

/// <summary>A host program that exited non-zero; Message carries its stderr.</summary>
public sealed class HostCommandException(string command, int exitCode, string stderr)
    : Exception($"{command} exited {exitCode}: {stderr}")
{
    public string Command { get; } = command;

    public int ExitCode { get; } = exitCode;
}
