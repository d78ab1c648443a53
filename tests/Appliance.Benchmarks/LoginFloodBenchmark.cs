using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Appliance.Benchmarks;

/// <summary>
/// `login-flood`: 16 clients send POST /identity/v3/auth/tokens with a wrong password for admin for 20 s (--seconds N),
/// as a guesser on the LAN would, while one client measures GET / and an authenticated GET /v2.1/servers and another
/// user logs in now and then. Targets: those calls' p50 ≤ 10 ms and p99 ≤ 50 ms during the flood, the throttle's refusals
/// p50 ≤ 5 ms, and every bystander login 201. Loopback only; prints a table and sets the exit code on a miss.
/// </summary>
public static class LoginFloodBenchmark
{
    private const int Flooders = 16;

    public static async Task RunAsync(BenchmarkArguments arguments)
    {
        var seconds = arguments.Int("--seconds", 20);
        var launcher = await PublishedBinary.ResolveAsync(arguments);
        var dataDir = Directory.CreateTempSubdirectory("appliance-bench-login-flood-").FullName;
        try
        {
            await using var appliance = await launcher.ServeAsync(dataDir);
            var admin = IdentityBenchmark.FromOpenRc(Path.Combine(dataDir, "admin-openrc"));
            using var measurer = new HttpClient { BaseAddress = admin.BaseUrl };
            var token = await LoginAsync(measurer, admin.UserName, admin.Password, admin.ProjectName);
            var bystanderPassword = $"pw-{Guid.NewGuid():N}";
            await CreateUserAsync(measurer, token, "bystander", bystanderPassword);

            using var flood = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
            var answers = new ConcurrentDictionary<HttpStatusCode, int>();
            var refusalMs = new ConcurrentBag<double>();
            using var flooder = new HttpClient { BaseAddress = admin.BaseUrl };
            var flooders = Enumerable.Range(0, Flooders).Select(_ => Task.Run(async () =>
            {
                while (!flood.IsCancellationRequested)
                {
                    var watch = Stopwatch.StartNew();
                    using var response = await flooder.PostAsync("/identity/v3/auth/tokens?nocatalog", Json(Auth(admin.UserName, "not-the-password", null)));
                    answers.AddOrUpdate(response.StatusCode, 1, (_, n) => n + 1);
                    if (response.StatusCode == HttpStatusCode.TooManyRequests)
                    {
                        refusalMs.Add(watch.Elapsed.TotalMilliseconds);
                    }
                }
            })).ToList();

            var rootMs = new List<double>();
            var serversMs = new List<double>();
            var bystander = new List<(HttpStatusCode Status, double Ms)>();
            var errors = 0;
            var started = Stopwatch.StartNew();
            while (!flood.IsCancellationRequested)
            {
                errors += await TimeAsync(measurer, new HttpRequestMessage(HttpMethod.Get, "/"), rootMs);
                var servers = new HttpRequestMessage(HttpMethod.Get, "/v2.1/servers");
                servers.Headers.Add("X-Auth-Token", token);
                errors += await TimeAsync(measurer, servers, serversMs);
                if (started.Elapsed > TimeSpan.FromSeconds(bystander.Count + 1))
                {
                    // About once a second: another user's login must go through.
                    var watch = Stopwatch.StartNew();
                    using var response = await measurer.PostAsync("/identity/v3/auth/tokens?nocatalog", Json(Auth("bystander", bystanderPassword, null)));
                    bystander.Add((response.StatusCode, watch.Elapsed.TotalMilliseconds));
                }
            }

            await Task.WhenAll(flooders);
            rootMs.Sort();
            serversMs.Sort();
            var refusals = refusalMs.Order().ToList();
            var bystanderOk = bystander.Count(b => b.Status == HttpStatusCode.Created);
            var rows = new List<(string Measure, string Value, string Target, bool Met)>
            {
                ($"GET /, p50 ({rootMs.Count} calls)", Ms(P(rootMs, 0.5)), "≤ 10 ms", P(rootMs, 0.5) <= 10),
                ("GET /, p99", Ms(P(rootMs, 0.99)), "≤ 50 ms", P(rootMs, 0.99) <= 50),
                ($"GET /v2.1/servers, p50 ({serversMs.Count} calls)", Ms(P(serversMs, 0.5)), "≤ 10 ms", P(serversMs, 0.5) <= 10),
                ("GET /v2.1/servers, p99", Ms(P(serversMs, 0.99)), "≤ 50 ms", P(serversMs, 0.99) <= 50),
                ($"throttled login (429), p50 ({refusals.Count} refused)", refusals.Count == 0 ? "none" : Ms(P(refusals, 0.5)), "≤ 5 ms", refusals.Count > 0 && P(refusals, 0.5) <= 5),
                ("bystander logins answered 201", $"{bystanderOk} of {bystander.Count}", "all", bystander.Count > 0 && bystanderOk == bystander.Count),
                ("measured calls not 200", errors.ToString(System.Globalization.CultureInfo.InvariantCulture), "0", errors == 0),
            };

            Console.WriteLine($"login flood: {Flooders} clients, wrong password for {admin.UserName}, {seconds} s; answers: " +
                string.Join(", ", answers.OrderBy(a => a.Key).Select(a => $"{(int)a.Key} × {a.Value}")));
            Console.WriteLine("| measure                                         | value         | target   | verdict |");
            Console.WriteLine("|-------------------------------------------------|---------------|----------|---------|");
            foreach (var (measure, value, target, met) in rows)
            {
                Console.WriteLine($"| {measure,-47} | {value,13} | {target,-8} | {(met ? "PASS" : "MISS"),-7} |");
            }

            if (rows.Any(row => !row.Met))
            {
                Environment.ExitCode = 1;
            }
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }

    private static string Ms(double ms) => $"{ms:F1} ms";

    private static double P(List<double> sorted, double quantile) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Floor(quantile * sorted.Count))];

    /// <summary>Adds the call's time; 1 when it did not answer 200.</summary>
    private static async Task<int> TimeAsync(HttpClient client, HttpRequestMessage request, List<double> times)
    {
        var watch = Stopwatch.StartNew();
        using var response = await client.SendAsync(request);
        await response.Content.ReadAsByteArrayAsync();
        times.Add(watch.Elapsed.TotalMilliseconds);
        return response.StatusCode == HttpStatusCode.OK ? 0 : 1;
    }

    private static JsonObject Auth(string user, string password, string? project)
    {
        var auth = new JsonObject
        {
            ["identity"] = new JsonObject
            {
                ["methods"] = new JsonArray("password"),
                ["password"] = new JsonObject
                {
                    ["user"] = new JsonObject { ["name"] = user, ["domain"] = new JsonObject { ["id"] = "default" }, ["password"] = password },
                },
            },
        };
        if (project is not null)
        {
            auth["scope"] = new JsonObject { ["project"] = new JsonObject { ["name"] = project, ["domain"] = new JsonObject { ["id"] = "default" } } };
        }

        return new JsonObject { ["auth"] = auth };
    }

    private static StringContent Json(JsonNode body) => new(body.ToJsonString(), Encoding.UTF8, "application/json");

    private static async Task<string> LoginAsync(HttpClient client, string user, string password, string project)
    {
        using var response = await client.PostAsync("/identity/v3/auth/tokens?nocatalog", Json(Auth(user, password, project)));
        return response.StatusCode == HttpStatusCode.Created
            ? response.Headers.GetValues("X-Subject-Token").Single()
            : throw new InvalidOperationException($"login answered {(int)response.StatusCode}, not 201");
    }

    private static async Task CreateUserAsync(HttpClient client, string adminToken, string name, string password)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/identity/v3/users")
        {
            Content = Json(new JsonObject { ["user"] = new JsonObject { ["name"] = name, ["password"] = password } }),
        };
        request.Headers.Add("X-Auth-Token", adminToken);
        using var response = await client.SendAsync(request);
        if (response.StatusCode != HttpStatusCode.Created)
        {
            throw new InvalidOperationException($"user create answered {(int)response.StatusCode}, not 201");
        }
    }
}
