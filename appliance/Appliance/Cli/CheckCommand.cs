using System.CommandLine;
using Appliance.Core.Configuration;
using Appliance.Core.HostChecks;

namespace Appliance.Cli;

/// <summary><c>appliance check</c>: can this host run the appliance, and its guests under KVM? Exit code 1 when anything FAILs.</summary>
public static class CheckCommand
{
    public static Command Create()
    {
        var dataDir = DataDirCore.DataDirOption();
        var listen = new Option<string?>("--listen") { Description = $"URL the appliance will listen on (default {ApplianceOptions.DefaultListen})" };
        var libvirtUri = new Option<string?>("--libvirt-uri") { Description = $"libvirt connection URI (default {ApplianceOptions.DefaultLibvirtUri})" };
        var virtType = ServeCommand.VirtTypeOption();
        var command = new Command("check", "Check the host as virt-host-validate does, plus what the appliance needs; each line PASS, WARN or FAIL with the fix")
        {
            dataDir, listen, libvirtUri, virtType,
        };
        command.SetAction((parse, cancellationToken) => RunAsync(new Dictionary<string, string?>
        {
            [nameof(ApplianceOptions.DataDir)] = parse.GetValue(dataDir),
            [nameof(ApplianceOptions.Listen)] = parse.GetValue(listen),
            [nameof(ApplianceOptions.LibvirtUri)] = parse.GetValue(libvirtUri),
            [ServeCommand.VirtTypeSetting] = parse.GetValue(virtType),
        }, cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(IReadOnlyDictionary<string, string?> commandLine, CancellationToken cancellationToken)
    {
        ApplianceOptions options;
        try
        {
            options = ApplianceSettings.Bind(ApplianceSettings.Build(commandLine));
        }
        catch (InvalidOperationException e)
        {
            await Console.Error.WriteLineAsync($"appliance: {e.Message}");
            return 2;
        }

        if (options.Hypervisor.Problem() is { } problem)
        {
            await Console.Error.WriteLineAsync($"appliance: {problem}");
            return 2;
        }

        var results = await HostChecker.RunAsync(options, cancellationToken);
        var width = results.Max(r => r.Name.Length);
        foreach (var result in results)
        {
            Console.WriteLine($"{Label(result.Level)}  {result.Name.PadRight(width)}  {result.Detail}");
        }

        var failed = results.Count(r => r.Level == CheckLevel.Fail);
        var warned = results.Count(r => r.Level == CheckLevel.Warn);
        Console.WriteLine(failed == 0
            ? $"appliance check: ready ({warned} warnings)"
            : $"appliance check: {failed} failed, {warned} warnings");
        return failed == 0 ? 0 : 1;
    }

    private static string Label(CheckLevel level) => level switch
    {
        CheckLevel.Pass => "PASS",
        CheckLevel.Warn => "WARN",
        _ => "FAIL",
    };
}
