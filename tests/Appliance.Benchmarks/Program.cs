using Appliance.Benchmarks;

// dotnet run -c Release --project tests/Appliance.Benchmarks -- <benchmark> [--binary PATH] [benchmark options]
var benchmarks = new Dictionary<string, Func<BenchmarkArguments, Task>>
{
    ["foundation"] = FoundationBenchmark.RunAsync,
    ["image-upload"] = ImageUploadBenchmark.RunAsync,
    ["identity"] = IdentityBenchmarkRunner.RunAsync,
    ["login-flood"] = LoginFloodBenchmark.RunAsync,
    ["servers"] = ServersBenchmark.RunAsync,
    ["crash"] = CrashBenchmark.RunAsync,
    ["load"] = LoadBenchmark.RunAsync,
    ["actions"] = ActionsBenchmark.RunAsync,
    ["network"] = NetworkBenchmark.RunAsync,
};

var name = args.FirstOrDefault();
if (name is null || !benchmarks.TryGetValue(name, out var run))
{
    Console.WriteLine($"usage: appliance-benchmarks <{string.Join('|', benchmarks.Keys)}> [--binary PATH] [--name NUMBER ...]");
    return 2;
}

await run(BenchmarkArguments.Parse(args.Skip(1).ToArray()));
return Environment.ExitCode; // a benchmark whose targets were missed (or whose invariants broke) sets it
