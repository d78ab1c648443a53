using System.Diagnostics;
using System.Text.Json;

namespace Appliance.Tests.Hosting;

/// <summary>Debian's python3-openstackclient run with exactly the given OS_* variables, nothing inherited.</summary>
public sealed class OpenStackCli(IReadOnlyDictionary<string, string> openrc)
{
    public const string Path = "/usr/bin/openstack";

    public static void AssertInstalled() => Assert.True(File.Exists(Path),
        $"{Path} is missing: install.sh installs Debian's python3-openstackclient with the test dependencies; run it (or apt-get install python3-openstackclient).");

    /// <summary>
    /// A command the CLI runs through, ending by running the rest of its command line (e.g. nsenter into the network
    /// namespace the appliance serves in); none by default.
    /// </summary>
    public IReadOnlyList<string> Through { get; init; } = [];

    /// <summary>The client to run with those variables: the openstack CLI, or e.g. python3 for an openstacksdk script.</summary>
    public string Program { get; init; } = Path;

    /// <summary>Runs the CLI; returns exit code, stdout and stderr.</summary>
    public async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        var start = new ProcessStartInfo(Through.Count > 0 ? Through[0] : Program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var name in start.Environment.Keys.Where(name => name.StartsWith("OS_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(name);
        }

        foreach (var (name, value) in openrc)
        {
            start.Environment[name] = value;
        }

        foreach (var arg in Through.Count > 0 ? [.. Through.Skip(1), Program, .. args] : args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Runs the CLI and returns stdout; fails the test with stderr when it exits non-zero.</summary>
    public async Task<string> OkAsync(params string[] args)
    {
        var (exitCode, stdout, stderr) = await RunAsync(args);
        Assert.True(exitCode == 0, $"{System.IO.Path.GetFileName(Program)} {string.Join(' ', args)} exited {exitCode}: {stderr}");
        return stdout;
    }

    /// <summary>Runs a command with -f json and parses what it printed.</summary>
    public async Task<JsonElement> JsonAsync(params string[] args) =>
        JsonDocument.Parse(await OkAsync([.. args, "-f", "json"])).RootElement.Clone();
}
