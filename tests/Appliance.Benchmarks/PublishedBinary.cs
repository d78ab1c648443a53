using System.Diagnostics;

namespace Appliance.Benchmarks;

/// <summary>The binary under test: the one given (--binary), else a fresh single-file Release publish of this checkout.</summary>
public static class PublishedBinary
{
    public static async Task<ApplianceLauncher> ResolveAsync(BenchmarkArguments arguments) =>
        ApplianceLauncher.Binary(arguments.Binary is not null ? Path.GetFullPath(arguments.Binary) : await PublishAsync());

    private static async Task<string> PublishAsync()
    {
        var repository = FindRepositoryRoot();
        var output = Path.Combine(Path.GetTempPath(), "appliance-benchmark-publish");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "publish", Path.Combine(repository, "appliance", "Appliance", "Appliance.csproj"), "-c", "Release", "-o", output, "--nologo", "-v", "quiet" })
        {
            start.ArgumentList.Add(arg);
        }

        Console.WriteLine($"publishing the appliance to {output} ...");
        using var publish = Process.Start(start)!;
        var errors = publish.StandardError.ReadToEndAsync();
        await publish.StandardOutput.ReadToEndAsync();
        await publish.WaitForExitAsync();
        if (publish.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet publish failed: {await errors}");
        }

        return Path.Combine(output, "appliance");
    }

    public static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Appliance.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("run the benchmarks from inside the repository, or pass --binary");
    }
}
