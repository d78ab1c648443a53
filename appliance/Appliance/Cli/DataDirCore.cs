using System.CommandLine;
using Appliance.Core;
using Appliance.Core.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Appliance.Cli;

/// <summary>
/// The core opened straight on the data dir, for verbs that manage it without a running server (SQLite's
/// WAL lets them work beside one). Settings come from the same places as for <c>serve</c>.
/// </summary>
public static class DataDirCore
{
    public static Option<string?> DataDirOption() =>
        new("--data-dir") { Description = "The appliance's data directory (default as for serve)" };

    /// <summary>Checks the data dir, migrates it (and makes the first admin if this is its first use), and returns the services.</summary>
    public static async Task<ServiceProvider?> OpenAsync(string? dataDir, CancellationToken cancellationToken)
    {
        ApplianceOptions options;
        try
        {
            options = ApplianceSettings.Bind(ApplianceSettings.Build(new Dictionary<string, string?> { [nameof(ApplianceOptions.DataDir)] = dataDir }));
        }
        catch (InvalidOperationException e)
        {
            await Console.Error.WriteLineAsync($"appliance: {e.Message}");
            return null;
        }

        if (DataDirectory.Prepare(options.DataDir) is { } problem)
        {
            await Console.Error.WriteLineAsync($"appliance: {problem}");
            return null;
        }

        var services = new ServiceCollection().AddLogging().AddApplianceCore(options).BuildServiceProvider();
        var before = File.Exists(services.GetRequiredService<DataPaths>().AdminOpenRc);
        await services.InitializeApplianceCoreAsync(cancellationToken);
        var adminOpenRc = services.GetRequiredService<DataPaths>().AdminOpenRc;
        if (!before && File.Exists(adminOpenRc))
        {
            Console.WriteLine($"First use of {options.DataDir}: admin credentials written to {adminOpenRc}");
        }

        return services;
    }
}
