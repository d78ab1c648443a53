using System.Globalization;

namespace Appliance.Benchmarks;

/// <summary>Options shared by all benchmarks: which appliance binary to measure, plus a benchmark's own `--name N` numbers.</summary>
public sealed record BenchmarkArguments(string? Binary)
{
    public IReadOnlyDictionary<string, int> Numbers { get; init; } = new Dictionary<string, int>();

    /// <summary>The value of `--name N`, or the fallback when it was not given.</summary>
    public int Number(string name, int fallback) => Numbers.GetValueOrDefault(name, fallback);

    public static BenchmarkArguments Parse(string[] args)
    {
        string? binary = null;
        var numbers = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--binary" && i + 1 < args.Length)
            {
                binary = args[++i];
            }
            else if (args[i].StartsWith("--", StringComparison.Ordinal) && i + 1 < args.Length
                && int.TryParse(args[i + 1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var number))
            {
                numbers[args[i][2..]] = number;
                i++;
            }
            else
            {
                throw new ArgumentException($"unknown argument {args[i]}: expected --binary PATH or --name NUMBER");
            }
        }

        return new BenchmarkArguments(binary) { Numbers = numbers };
    }
}
