using System.Globalization;

namespace Appliance.Benchmarks;

/// <summary>Options shared by all benchmarks (which appliance binary to measure), and the rest for the benchmark to read.</summary>
public sealed record BenchmarkArguments(string? Binary, IReadOnlyList<string> Options)
{
    public static BenchmarkArguments Parse(string[] args)
    {
        string? binary = null;
        var options = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--binary" && i + 1 < args.Length)
            {
                binary = args[++i];
            }
            else
            {
                options.Add(args[i]);
            }
        }

        return new BenchmarkArguments(binary, options);
    }

    public bool Has(string flag) => Options.Contains(flag);

    /// <summary>The integer after <paramref name="name"/>, or the fallback when it is not given.</summary>
    public int Int(string name, int fallback)
    {
        var index = Options.ToList().IndexOf(name);
        return index >= 0 && index + 1 < Options.Count ? int.Parse(Options[index + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
