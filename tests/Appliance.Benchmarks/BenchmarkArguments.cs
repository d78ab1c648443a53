namespace Appliance.Benchmarks;

/// <summary>Options shared by all benchmarks: which appliance binary to measure.</summary>
public sealed record BenchmarkArguments(string? Binary)
{
    public static BenchmarkArguments Parse(string[] args)
    {
        string? binary = null;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--binary" && i + 1 < args.Length)
            {
                binary = args[++i];
            }
        }

        return new BenchmarkArguments(binary);
    }
}
