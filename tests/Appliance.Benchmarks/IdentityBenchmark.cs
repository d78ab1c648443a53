using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Appliance.Benchmarks;

/// <summary>
/// What identity costs over the HTTP API of a running appliance: one password login (median of N, the
/// PBKDF2 work dominates) and how many token validations per second the server answers, both through
/// Keystone's GET /v3/auth/tokens and through an authenticated compute call. Loopback only; bounded in
/// count and time.
/// </summary>
public static class IdentityBenchmark
{
    public sealed record Settings(Uri BaseUrl, string UserName, string Password, string ProjectName)
    {
        public int Logins { get; init; } = 50;
        public int Concurrency { get; init; } = 8;
        public TimeSpan ValidationWindow { get; init; } = TimeSpan.FromSeconds(5);
        public int MaxValidations { get; init; } = 200_000;
    }

    public sealed record Result(double LoginMedianMs, double LoginP90Ms, double KeystoneValidationsPerSecond, double ComputeCallsPerSecond);

    public static async Task<Result> RunAsync(Settings settings, TextWriter output, CancellationToken cancellationToken = default)
    {
        if (!IPAddress.TryParse(settings.BaseUrl.Host, out var address) ? settings.BaseUrl.Host != "localhost" : !IPAddress.IsLoopback(address))
        {
            throw new ArgumentException($"the benchmark only targets loopback, not {settings.BaseUrl.Host}");
        }

        using var client = new HttpClient { BaseAddress = settings.BaseUrl };
        await LoginAsync(client, settings, cancellationToken); // warm-up: JIT, connection, SQLite pages

        var loginMs = new List<double>(settings.Logins);
        string token = "";
        for (var i = 0; i < settings.Logins; i++)
        {
            var watch = Stopwatch.StartNew();
            token = await LoginAsync(client, settings, cancellationToken);
            loginMs.Add(watch.Elapsed.TotalMilliseconds);
        }

        loginMs.Sort();
        var keystone = await ThroughputAsync(client, settings, token, () =>
        {
            var request = new HttpRequestMessage(HttpMethod.Get, "/identity/v3/auth/tokens?nocatalog");
            request.Headers.Add("X-Auth-Token", token);
            request.Headers.Add("X-Subject-Token", token);
            return request;
        }, cancellationToken);
        var compute = await ThroughputAsync(client, settings, token, () =>
        {
            var request = new HttpRequestMessage(HttpMethod.Get, "/v2.1/os-availability-zone");
            request.Headers.Add("X-Auth-Token", token);
            return request;
        }, cancellationToken);

        var result = new Result(Percentile(loginMs, 0.5), Percentile(loginMs, 0.9), keystone, compute);
        output.WriteLine("| measure                                        | value        |");
        output.WriteLine("|------------------------------------------------|--------------|");
        output.WriteLine(Row($"login, POST /v3/auth/tokens, median of {settings.Logins}", $"{result.LoginMedianMs:F1} ms"));
        output.WriteLine(Row($"login, 90th percentile", $"{result.LoginP90Ms:F1} ms"));
        output.WriteLine(Row($"GET /v3/auth/tokens, {settings.Concurrency} clients", $"{result.KeystoneValidationsPerSecond:F0} /s"));
        output.WriteLine(Row($"GET /v2.1/os-availability-zone, {settings.Concurrency} clients", $"{result.ComputeCallsPerSecond:F0} /s"));
        return result;
    }

    private static string Row(string measure, string value) => $"| {measure,-46} | {value,12} |";

    private static double Percentile(List<double> sorted, double quantile) =>
        sorted[Math.Min(sorted.Count - 1, (int)Math.Floor(quantile * sorted.Count))];

    private static async Task<string> LoginAsync(HttpClient client, Settings settings, CancellationToken cancellationToken)
    {
        var body = new JsonObject
        {
            ["auth"] = new JsonObject
            {
                ["identity"] = new JsonObject
                {
                    ["methods"] = new JsonArray("password"),
                    ["password"] = new JsonObject
                    {
                        ["user"] = new JsonObject { ["name"] = settings.UserName, ["domain"] = new JsonObject { ["id"] = "default" }, ["password"] = settings.Password },
                    },
                },
                ["scope"] = new JsonObject { ["project"] = new JsonObject { ["name"] = settings.ProjectName, ["domain"] = new JsonObject { ["id"] = "default" } } },
            },
        };
        using var response = await client.PostAsync("/identity/v3/auth/tokens?nocatalog",
            new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"), cancellationToken);
        if (response.StatusCode != HttpStatusCode.Created)
        {
            throw new InvalidOperationException($"login answered {(int)response.StatusCode}, not 201");
        }

        return response.Headers.GetValues("X-Subject-Token").Single();
    }

    /// <summary>Requests per second over the window from a fixed number of concurrent clients; every answer must be 200.</summary>
    private static async Task<double> ThroughputAsync(
        HttpClient client, Settings settings, string token, Func<HttpRequestMessage> newRequest, CancellationToken cancellationToken)
    {
        var completed = 0;
        var watch = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, settings.Concurrency).Select(async _ =>
        {
            while (watch.Elapsed < settings.ValidationWindow && Volatile.Read(ref completed) < settings.MaxValidations)
            {
                using var request = newRequest();
                using var response = await client.SendAsync(request, cancellationToken);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    throw new InvalidOperationException($"{request.RequestUri} answered {(int)response.StatusCode}, not 200");
                }

                Interlocked.Increment(ref completed);
            }
        });
        await Task.WhenAll(workers);
        return completed / watch.Elapsed.TotalSeconds;
    }

    /// <summary>Reads user, password and project from an admin-openrc file, for a runner that has only the data dir.</summary>
    public static Settings FromOpenRc(string openRcPath)
    {
        var values = File.ReadAllLines(openRcPath)
            .Where(line => line.StartsWith("export ", StringComparison.Ordinal))
            .Select(line => line["export ".Length..].Split('=', 2))
            .ToDictionary(pair => pair[0], pair => pair[1]);
        var authUrl = new Uri(values["OS_AUTH_URL"]);
        return new Settings(new Uri(authUrl.GetLeftPart(UriPartial.Authority)), values["OS_USERNAME"], values["OS_PASSWORD"], values["OS_PROJECT_NAME"]);
    }
}
