using Appliance.Core.Configuration;
using Microsoft.Extensions.Configuration;

namespace Appliance.Cli;

/// <summary>
/// Where settings come from, later sources winning: built-in defaults, appsettings.json beside the
/// executable, APPLIANCE_* environment variables, then the command line. Besides the named variables, any
/// setting can be given as APPLIANCE__Section__Key (double underscores between the names, as .NET writes
/// configuration paths in variables), e.g. APPLIANCE__Servers__PowerSyncInterval=00:00:05.
/// </summary>
public static class ApplianceSettings
{
    /// <summary>The environment variables users set, and the setting each one feeds.</summary>
    private static readonly Dictionary<string, string> EnvironmentNames = new()
    {
        ["APPLIANCE_DATA_DIR"] = nameof(ApplianceOptions.DataDir),
        ["APPLIANCE_LISTEN"] = nameof(ApplianceOptions.Listen),
        ["APPLIANCE_LIBVIRT_URI"] = nameof(ApplianceOptions.LibvirtUri),
        ["APPLIANCE_PUBLIC_URL"] = nameof(ApplianceOptions.PublicUrl),
        ["APPLIANCE_TOKEN_LIFETIME"] = nameof(ApplianceOptions.TokenLifetime),
        ["APPLIANCE_VIRT_TYPE"] = ServeCommand.VirtTypeSetting,
    };

    /// <summary>The prefix of variables that name a setting by its path under the Appliance section.</summary>
    public const string PathPrefix = "APPLIANCE__";

    public static IConfigurationRoot Build(IReadOnlyDictionary<string, string?> commandLine)
    {
        var byPath = Environment.GetEnvironmentVariables().Keys.OfType<string>()
            .Where(name => name.StartsWith(PathPrefix, StringComparison.Ordinal) && name.Length > PathPrefix.Length)
            .ToDictionary(name => $"{ApplianceOptions.Section}:{name[PathPrefix.Length..].Replace("__", ":", StringComparison.Ordinal)}",
                name => Environment.GetEnvironmentVariable(name));
        var fromEnvironment = EnvironmentNames
            .Select(pair => (Key: $"{ApplianceOptions.Section}:{pair.Value}", Value: Environment.GetEnvironmentVariable(pair.Key)))
            .Where(pair => !string.IsNullOrEmpty(pair.Value))
            .ToDictionary(pair => pair.Key, pair => pair.Value);
        var fromCommandLine = commandLine
            .Where(pair => !string.IsNullOrEmpty(pair.Value))
            .ToDictionary(pair => $"{ApplianceOptions.Section}:{pair.Key}", pair => pair.Value);

        return new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddInMemoryCollection(byPath)
            .AddInMemoryCollection(fromEnvironment)
            .AddInMemoryCollection(fromCommandLine)
            .Build();
    }

    public static ApplianceOptions Bind(IConfiguration configuration)
    {
        var options = new ApplianceOptions();
        configuration.GetSection(ApplianceOptions.Section).Bind(options);
        // An empty value in appsettings.json means "the default for whoever runs it".
        if (string.IsNullOrWhiteSpace(options.DataDir))
        {
            options.DataDir = ApplianceOptions.DefaultDataDir();
        }

        return options;
    }
}
