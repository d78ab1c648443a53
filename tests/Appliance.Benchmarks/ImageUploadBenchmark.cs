using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Spectre.Console;

namespace Appliance.Benchmarks;

/// <summary>
/// Uploads a 1 GiB raw image through PUT /image/v2/images/{id}/file (streamed, hashed, fsynced, probed)
/// and compares the rate with `cp` of the same file on the same disk. Target (issue 5): ≥ 50% of cp.
/// </summary>
public static class ImageUploadBenchmark
{
    private const long ImageBytes = 1L << 30;
    private const int Runs = 3;

    public static async Task RunAsync(BenchmarkArguments arguments)
    {
        var launcher = await PublishedBinary.ResolveAsync(arguments);
        var work = Directory.CreateTempSubdirectory("appliance-bench-upload-").FullName;
        try
        {
            var source = Path.Combine(work, "source.raw");
            await WriteRandomFileAsync(source, ImageBytes);
            var dataDir = Path.Combine(work, "data");
            var uploads = new List<double>();
            var copies = new List<double>();
            var copiesSynced = new List<double>();
            await using (var appliance = await launcher.ServeAsync(dataDir))
            {
                using var client = new HttpClient { BaseAddress = appliance.BaseAddress, Timeout = TimeSpan.FromMinutes(10) };
                client.DefaultRequestHeaders.Add("X-Auth-Token", (await ServerFleet.ConnectAsync(client, dataDir)).AdminToken);
                for (var run = 0; run < Runs; run++)
                {
                    uploads.Add(await UploadSecondsAsync(client, source));
                    copies.Add(await CopySecondsAsync(source, Path.Combine(dataDir, $"cp-{run}.raw"), sync: false));
                    copiesSynced.Add(await CopySecondsAsync(source, Path.Combine(dataDir, $"cp-sync-{run}.raw"), sync: true));
                }
            }

            double Rate(List<double> seconds) => ImageBytes / (1 << 20) / seconds.Order().ElementAt(seconds.Count / 2);
            var table = new Table().AddColumns("1 GiB raw image (median of 3)", "MB/s", "vs cp");
            table.AddRow("PUT /image/v2/images/{id}/file (md5 + sha512, fsync, probe)", $"{Rate(uploads):F0}", $"{Rate(uploads) / Rate(copies):P0}");
            table.AddRow("cp (page cache, no sync)", $"{Rate(copies):F0}", "100%");
            table.AddRow("cp + sync", $"{Rate(copiesSynced):F0}", $"{Rate(copiesSynced) / Rate(copies):P0}");
            AnsiConsole.Write(table);
            AnsiConsole.MarkupLine($"upload vs cp + sync: {Rate(uploads) / Rate(copiesSynced):P0} (target: ≥ 50% of cp)");
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static async Task<double> UploadSecondsAsync(HttpClient client, string source)
    {
        var create = await client.PostAsync("/image/v2/images", new StringContent(
            """{"name": "bench", "disk_format": "raw", "container_format": "bare"}""", Encoding.UTF8, "application/json"));
        create.EnsureSuccessStatusCode();
        var id = JsonDocument.Parse(await create.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString();
        await using var file = File.OpenRead(source);
        var content = new StreamContent(file, 1 << 20);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        content.Headers.ContentLength = file.Length;
        var stopwatch = Stopwatch.StartNew();
        var upload = await client.PutAsync($"/image/v2/images/{id}/file", content);
        var seconds = stopwatch.Elapsed.TotalSeconds;
        upload.EnsureSuccessStatusCode();
        (await client.DeleteAsync($"/image/v2/images/{id}")).EnsureSuccessStatusCode();
        return seconds;
    }

    private static async Task<double> CopySecondsAsync(string source, string target, bool sync)
    {
        var stopwatch = Stopwatch.StartNew();
        using (var cp = Process.Start("cp", [source, target]))
        {
            await cp.WaitForExitAsync();
        }

        if (sync)
        {
            using var syncFile = Process.Start("sync", ["-d", target]);
            await syncFile.WaitForExitAsync();
        }

        var seconds = stopwatch.Elapsed.TotalSeconds;
        File.Delete(target);
        return seconds;
    }

    private static async Task WriteRandomFileAsync(string path, long bytes)
    {
        var block = new byte[1 << 20];
        Random.Shared.NextBytes(block);
        await using var file = File.Create(path);
        for (long written = 0; written < bytes; written += block.Length)
        {
            block[0]++;
            await file.WriteAsync(block);
        }
    }
}
