namespace Appliance.Benchmarks;

/// <summary>`identity`: runs <see cref="IdentityBenchmark"/> against a fresh published appliance on loopback.</summary>
public static class IdentityBenchmarkRunner
{
    public static async Task RunAsync(BenchmarkArguments arguments)
    {
        var launcher = await PublishedBinary.ResolveAsync(arguments);
        var dataDir = Directory.CreateTempSubdirectory("appliance-bench-identity-").FullName;
        try
        {
            await using var appliance = await launcher.ServeAsync(dataDir);
            await IdentityBenchmark.RunAsync(IdentityBenchmark.FromOpenRc(Path.Combine(dataDir, "admin-openrc")), Console.Out);
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }
}
