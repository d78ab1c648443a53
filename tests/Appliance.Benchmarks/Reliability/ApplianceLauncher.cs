namespace Appliance.Benchmarks.Reliability;

/// <summary>
/// How to start the appliance under test: a published binary (benchmarks) or `dotnet appliance.dll` from a test's output
/// (tests), with settings given as APPLIANCE__Section__Key variables, e.g. rate limits off for a load run.
/// </summary>
public sealed record ApplianceLauncher(string FileName, IReadOnlyList<string> LeadingArguments)
{
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>A published executable, or an appliance.dll of a build output (run with dotnet).</summary>
    public static ApplianceLauncher Binary(string path) =>
        path.EndsWith(".dll", StringComparison.Ordinal) ? Dll(path) : new(path, []);

    public static ApplianceLauncher Dll(string path) =>
        new(System.Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet", [path]);

    /// <summary>The same launcher with one more setting, by its path under Appliance (e.g. "RateLimits:Enabled").</summary>
    public ApplianceLauncher WithSetting(string path, string value) => this with
    {
        Environment = new Dictionary<string, string>(Environment) { ["APPLIANCE__" + path.Replace(":", "__", StringComparison.Ordinal)] = value },
    };
}
