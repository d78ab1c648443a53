namespace Appliance.Benchmarks;

/// <summary>`identity`: runs <see cref="IdentityBenchmark"/> against a fresh published appliance on loopback.</summary>
public static class IdentityBenchmarkRunner
{
    public static async Task RunAsync(BenchmarkArguments arguments)
    {
        var binary = await PublishedBinary.ResolveAsync(arguments);
        var dataDir = Directory.CreateTempSubdirectory("appliance-bench-identity-").FullName;
        try
        {
            await using var appliance = ApplianceProcess.Start(binary, dataDir);
            await appliance.WaitForOkAsync("/healthz", TimeSpan.FromSeconds(60));
            await IdentityBenchmark.RunAsync(IdentityBenchmark.FromOpenRc(Path.Combine(dataDir, "admin-openrc")), Console.Out);
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }
}
