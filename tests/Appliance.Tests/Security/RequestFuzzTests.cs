using Xunit.Abstractions;

namespace Appliance.Tests.Security;

/// <summary>
/// Fuzzes every route of the running app with generated malformed and mutated requests: no answer may be a 5xx, every
/// error must be its service's error body with the right code, and no body, header or log line may show a token, a
/// password, an adminPass, a private key, a stack trace or the data dir's path. CI runs a short seeded run; the long
/// one is `./tests/security.sh fuzz CASES [SEED]` (APPLIANCE_FUZZ_CASES, APPLIANCE_FUZZ_SEED), which prints the table.
/// </summary>
[Trait("Tier", "security")]
public sealed class RequestFuzzTests(TwoProjectAppliance appliance, ITestOutputHelper output) : IClassFixture<TwoProjectAppliance>
{
    public const int CiCases = 3000;
    public const ulong CiSeed = 20_251_127;

    [Fact]
    public async Task SeededFuzzCases_NeverAnswer5xx_AlwaysAnswerTheServicesErrorBody_AndNeverLeak()
    {
        var cases = int.TryParse(Environment.GetEnvironmentVariable("APPLIANCE_FUZZ_CASES"), out var wanted) && wanted > 0 ? wanted : CiCases;
        var seed = ulong.TryParse(Environment.GetEnvironmentVariable("APPLIANCE_FUZZ_SEED"), out var given) ? given : CiSeed;

        var report = await new RequestFuzzer(appliance).RunAsync(seed, cases);

        output.WriteLine(report.Table());
        SecurityReport.Append(report.Table());
        Assert.True(report.ViolationCount == 0, report.Table() + "\n" + string.Join("\n", report.Violations.Distinct().Take(60)));
        Assert.True(report.RoutesFuzzed.Count == appliance.Routes.Count || cases < 2000, $"only {report.RoutesFuzzed.Count} of {appliance.Routes.Count} routes drawn");
    }
}
