using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Spectre.Console;

namespace Appliance.Benchmarks;

/// <summary>
/// `actions`: every server action on one server, in a cycle that keeps each one allowed, --repetitions times: the API's
/// accept time (POST -> 202) and the time to the final status (POST -> first GET showing it with no task running). On
/// test:///default (the control plane's own cost) unless --qemu, which boots the project's test guest on qemu:///system
/// and also times each action that boots the guest to its ready marker on the console: what a user waits for.
/// </summary>
public static class ActionsBenchmark
{
    private const string Microversion = "2.45"; // servers show `locked`; createImage answers {"image_id"}
    private const string ReadyMarker = "guest: ready";
    private const int ConsolePollMs = 250;
    private static readonly TimeSpan FinalWithin = TimeSpan.FromMinutes(3);

    /// <summary>One action of the cycle: its body, what its end looks like, and whether the guest boots (so has a ready marker to wait for).</summary>
    private sealed record Step(string Name, string Body, string? Status, bool? Locked = null, bool Boots = false);

    private static readonly Step[] Cycle =
    [
        new("reboot SOFT", """{"reboot": {"type": "SOFT"}}""", "ACTIVE", Boots: true),
        new("reboot HARD", """{"reboot": {"type": "HARD"}}""", "ACTIVE", Boots: true),
        new("stop", """{"os-stop": null}""", "SHUTOFF"),
        new("start", """{"os-start": null}""", "ACTIVE", Boots: true),
        new("pause", """{"pause": null}""", "PAUSED"),
        new("unpause", """{"unpause": null}""", "ACTIVE"),
        new("suspend", """{"suspend": null}""", "SUSPENDED"),
        new("resume", """{"resume": null}""", "ACTIVE"),
        new("lock", """{"lock": null}""", null, Locked: true),
        new("unlock", """{"unlock": null}""", null, Locked: false),
        new("createImage", """{"createImage": {"name": "bench-snapshot"}}""", "ACTIVE"),
    ];

    private sealed record Timing(List<double> AcceptMs, List<double> FinalMs, List<double> ReadyS);

    public static async Task RunAsync(BenchmarkArguments arguments)
    {
        var qemu = arguments.Has("--qemu");
        var repetitions = arguments.Int("--repetitions", qemu ? 3 : 20);
        var guestDisk = qemu ? await BuildTestGuestAsync() : null;
        var launcher = await PublishedBinary.ResolveAsync(arguments);
        var dataDir = Directory.CreateTempSubdirectory("appliance-bench-actions-").FullName;
        if (!OperatingSystem.IsWindows())
        {
            // libvirt's QEMU user must reach the disks below the data dir.
            File.SetUnixFileMode(dataDir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }

        try
        {
            await using var appliance = await launcher.ServeAsync(dataDir, qemu ? "qemu:///system" : ApplianceLauncher.TestDriverUri);
            using var client = new HttpClient { BaseAddress = appliance.BaseAddress, Timeout = TimeSpan.FromMinutes(5) };
            client.DefaultRequestHeaders.Add("OpenStack-API-Version", $"compute {Microversion}");
            var fleet = await ServerFleet.ConnectAsync(client, dataDir);
            var imageId = await fleet.UploadImageAsync(guestDisk);
            var created = await fleet.SendAsync(HttpMethod.Post, "/v2.1/servers", fleet.AdminToken,
                $$$"""{"server": {"name": "bench-actions", "imageRef": "{{{imageId}}}", "flavorRef": "42", "networks": "none"}}""", HttpStatusCode.Accepted);
            var id = created.GetProperty("server").GetProperty("id").GetString()!;
            try
            {
                await WaitForFinalAsync(fleet, id, new Step("create", "", "ACTIVE"), null, qemu ? 50 : 2);
                var posts = new PostTokens(fleet);
                await posts.PrepareAsync(repetitions * Cycle.Length);
                if (qemu)
                {
                    await WaitForReadyMarkersAsync(fleet, posts, id, 1);
                }

                var timings = Cycle.ToDictionary(step => step.Name, _ => new Timing([], [], []));
                Console.WriteLine($"{Cycle.Length} actions x {repetitions} on {(qemu ? "qemu:///system, the test guest" : "test:///default")} ...");
                for (var round = 0; round < repetitions; round++)
                {
                    foreach (var step in Cycle)
                    {
                        await TimeAsync(fleet, posts, id, step, timings[step.Name], qemu);
                    }
                }

                Report(timings, repetitions, qemu);
            }
            finally
            {
                await DeleteAsync(fleet, id);
            }
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }

    private static async Task TimeAsync(ServerFleet fleet, PostTokens posts, string id, Step step, Timing timing, bool qemu)
    {
        var readyBefore = qemu && step.Boots ? Count(await ConsoleAsync(fleet, posts, id), ReadyMarker) : 0;
        var started = Stopwatch.GetTimestamp();
        var answer = await fleet.SendAsync(HttpMethod.Post, $"/v2.1/servers/{id}/action", await posts.NextAsync(), step.Body, HttpStatusCode.Accepted);
        timing.AcceptMs.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        var imageId = answer.ValueKind == JsonValueKind.Object && answer.TryGetProperty("image_id", out var image) ? image.GetString() : null;
        await WaitForFinalAsync(fleet, id, step, imageId, qemu ? 20 : 2);
        timing.FinalMs.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        if (imageId is not null)
        {
            await fleet.SendAsync(HttpMethod.Delete, $"/image/v2/images/{imageId}", fleet.AdminToken, null, HttpStatusCode.NoContent);
        }

        if (qemu && step.Boots)
        {
            // The next soft reboot or stop needs the guest's acpid: wait for the marker, which also says the boot is done.
            await WaitForReadyMarkersAsync(fleet, posts, id, readyBefore + 1);
            timing.ReadyS.Add(Stopwatch.GetElapsedTime(started).TotalSeconds);
        }
    }

    /// <summary>Polls until the server shows the step's end with no task running (and a snapshot's image is active).</summary>
    private static async Task WaitForFinalAsync(ServerFleet fleet, string id, Step step, string? imageId, int pollMs)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var server = (await fleet.SendAsync(HttpMethod.Get, $"/v2.1/servers/{id}", fleet.AdminToken, null, HttpStatusCode.OK)).GetProperty("server");
            var done = server.GetProperty("OS-EXT-STS:task_state").ValueKind == JsonValueKind.Null
                && (step.Status is null || server.GetProperty("status").GetString() == step.Status)
                && (step.Locked is not { } locked || server.GetProperty("locked").GetBoolean() == locked)
                && (imageId is null || await ImageStatusAsync(fleet, imageId) == "active");
            if (done)
            {
                return;
            }

            if (server.GetProperty("status").GetString() == "ERROR" || watch.Elapsed > FinalWithin)
            {
                throw new InvalidOperationException($"{step.Name}: server {id} did not come to rest: {server}");
            }

            await Task.Delay(pollMs);
        }
    }

    private static async Task<string?> ImageStatusAsync(ServerFleet fleet, string imageId) =>
        (await fleet.SendAsync(HttpMethod.Get, $"/image/v2/images/{imageId}", fleet.AdminToken, null, HttpStatusCode.OK)).GetProperty("status").GetString();

    private static async Task<string> ConsoleAsync(ServerFleet fleet, PostTokens posts, string id) =>
        (await fleet.SendAsync(HttpMethod.Post, $"/v2.1/servers/{id}/action", await posts.NextAsync(), """{"os-getConsoleOutput": {}}""", HttpStatusCode.OK))
        .GetProperty("output").GetString()!;

    private static async Task WaitForReadyMarkersAsync(ServerFleet fleet, PostTokens posts, string id, int count)
    {
        var watch = Stopwatch.StartNew();
        while (Count(await ConsoleAsync(fleet, posts, id), ReadyMarker) < count)
        {
            if (watch.Elapsed > FinalWithin)
            {
                throw new TimeoutException($"the guest did not print '{ReadyMarker}' a {count}. time within {FinalWithin}");
            }

            await Task.Delay(ConsolePollMs);
        }
    }

    private static int Count(string text, string marker) => text.Split(marker).Length - 1;

    private static async Task DeleteAsync(ServerFleet fleet, string id)
    {
        await fleet.SendAsync(HttpMethod.Delete, $"/v2.1/servers/{id}", fleet.AdminToken, null, HttpStatusCode.NoContent);
        var deadline = DateTime.UtcNow + FinalWithin;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                await fleet.SendAsync(HttpMethod.Get, $"/v2.1/servers/{id}", fleet.AdminToken, null, HttpStatusCode.NotFound);
                return;
            }
            catch (InvalidOperationException)
            {
                await Task.Delay(100); // still deleting
            }
        }
    }

    /// <summary>The project's test guest (tests/guest), built or reused where the tests keep it.</summary>
    private static async Task<string> BuildTestGuestAsync()
    {
        var output = Path.Combine(Path.GetTempPath(), "appliance-test-guest");
        var script = Path.Combine(PublishedBinary.FindRepositoryRoot(), "tests", "guest", "build-test-disk.sh");
        using var build = Process.Start(new ProcessStartInfo(script, [output]) { RedirectStandardError = true })!;
        var errors = await build.StandardError.ReadToEndAsync();
        await build.WaitForExitAsync();
        if (build.ExitCode != 0)
        {
            throw new InvalidOperationException($"the test guest cannot be built here: {errors}");
        }

        return Path.Combine(output, "disk.qcow2");
    }

    private static void Report(Dictionary<string, Timing> timings, int repetitions, bool qemu)
    {
        var table = new Table().AddColumns("action", "POST -> 202, p50 / p95", "-> final status, p50 / p95");
        if (qemu)
        {
            table.AddColumn("-> guest ready marker, p50 / p95");
        }

        foreach (var (name, timing) in timings)
        {
            var row = new List<string>
            {
                name,
                $"{Percentile(timing.AcceptMs, 0.50):F1} / {Percentile(timing.AcceptMs, 0.95):F1} ms",
                qemu ? $"{Percentile(timing.FinalMs, 0.50) / 1000:F2} / {Percentile(timing.FinalMs, 0.95) / 1000:F2} s"
                    : $"{Percentile(timing.FinalMs, 0.50):F1} / {Percentile(timing.FinalMs, 0.95):F1} ms",
            };
            if (qemu)
            {
                row.Add(timing.ReadyS.Count == 0 ? "" : $"{Percentile(timing.ReadyS, 0.50):F1} / {Percentile(timing.ReadyS, 0.95):F1} s");
            }

            table.AddRow([.. row]);
        }

        table.Caption($"{repetitions} repetitions each, one server");
        AnsiConsole.Write(table);
    }

    /// <summary>
    /// Admin tokens scoped to projects of their own, taken in turn, so that Nova's per-project rate limit (120 POSTs a
    /// minute) never throttles the measurement; enough for the timed actions are made before the clock runs.
    /// </summary>
    private sealed class PostTokens(ServerFleet fleet)
    {
        private const int PostsPerToken = 100;
        private readonly List<string> _tokens = [];
        private int _posts;

        public async Task PrepareAsync(int posts)
        {
            while (_tokens.Count * PostsPerToken < _posts + posts)
            {
                _tokens.AddRange(await fleet.ProjectTokensAsync($"bench-actions-{_tokens.Count}", 1, "admin"));
            }
        }

        public async Task<string> NextAsync()
        {
            await PrepareAsync(1);
            return _tokens[_posts++ / PostsPerToken];
        }
    }

    private static double Percentile(List<double> values, double fraction)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)(fraction * sorted.Count))];
    }
}
