using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CsCheck;

namespace Appliance.Tests.Security;

/// <summary>What a fuzz run saw: per status, per route, and every violation with the request that caused it.</summary>
public sealed class FuzzReport
{
    public ulong Seed { get; init; }
    public int Cases { get; set; }
    public int Routes { get; init; }
    public HashSet<string> RoutesFuzzed { get; } = [];
    public HashSet<string> RoutesAnswered2xx { get; } = [];
    public SortedDictionary<int, int> Statuses { get; } = [];
    public int ServerErrors { get; set; }
    public int WrongErrorBodies { get; set; }
    public int BodyLeaks { get; set; }
    public int LogLeaks { get; set; }
    public int ClientFailures { get; set; }
    public TimeSpan Elapsed { get; set; }
    public List<string> Violations { get; } = [];

    public int ViolationCount => ServerErrors + WrongErrorBodies + BodyLeaks + LogLeaks + ClientFailures;

    public string Table()
    {
        var table = new StringBuilder();
        table.AppendLine($"Fuzz: seed {Seed}, {Cases} cases over {RoutesFuzzed.Count} of {Routes} routes ({RoutesAnswered2xx.Count} answered 2xx at least once), "
            + $"{Elapsed.TotalSeconds:F1} s, {Cases / Math.Max(Elapsed.TotalSeconds, 0.001):F0} cases/s");
        table.AppendLine($"{"status",8} {"cases",8}");
        foreach (var (status, count) in Statuses)
        {
            table.AppendLine($"{status,8} {count,8}");
        }

        table.AppendLine($"{"runs",8} {"5xx",6} {"bad error bodies",17} {"body/header leaks",18} {"log leaks",10} {"client failures",16} {"violations",11}");
        table.AppendLine($"{Cases,8} {ServerErrors,6} {WrongErrorBodies,17} {BodyLeaks,18} {LogLeaks,10} {ClientFailures,16} {ViolationCount,11}");
        return table.ToString();
    }
}

/// <summary>
/// Runs generated cases against the in-process appliance one by one. Case i is drawn from PCG seed (seed + i), so any
/// case can be drawn again alone. Every ~200 cases the fixture puts back what the fuzzer deleted and the logs written
/// so far are scanned.
/// </summary>
public sealed class RequestFuzzer(TwoProjectAppliance appliance)
{
    private const int RepairEvery = 200;
    private readonly Dictionary<ApiRoute, IReadOnlyList<RequestBody>> _seedCounts = [];

    public async Task<FuzzReport> RunAsync(ulong seed, int cases)
    {
        var routes = appliance.Routes;
        var generator = FuzzGenerators.Cases(routes, route => SeedsOf(route, _ => "fz").Count);
        var report = new FuzzReport { Seed = seed, Routes = routes.Count };
        var logsFrom = appliance.Factory.Logs.Entries.Count;
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < cases; i++)
        {
            if (i % RepairEvery == 0 && i > 0)
            {
                logsFrom = await CheckpointAsync(report, logsFrom);
            }

            // The first pass takes each route in turn, so a route added tomorrow is fuzzed whatever the seed draws.
            var drawn = i < routes.Count ? FuzzGenerators.CaseFor(routes, i, route => SeedsOf(route, _ => "fz").Count) : generator;
            var fuzzCase = drawn.Generate(new PCG(1, seed + (ulong)i), default, out _);
            await RunOneAsync(i, fuzzCase, report);
            report.Cases++;
        }

        await CheckpointAsync(report, logsFrom);
        report.Elapsed = clock.Elapsed;
        return report;
    }

    private async Task<int> CheckpointAsync(FuzzReport report, int logsFrom)
    {
        await appliance.Runner.WhenIdleAsync();
        var leaks = appliance.Leaks.ScanLogs(appliance.Factory.Logs, logsFrom);
        report.LogLeaks += leaks.Count;
        report.Violations.AddRange(leaks.Distinct().Select(leak => "log: " + leak));
        var next = appliance.Factory.Logs.Entries.Count;
        await appliance.RepairAsync();
        return next;
    }

    private IReadOnlyList<RequestBody> SeedsOf(ApiRoute route, Func<string, string> valueOf) =>
        SeedBodies.For(route, valueOf, appliance.PublicImageId, appliance.B.ProjectId);

    private async Task RunOneAsync(int index, FuzzCase fuzzCase, FuzzReport report)
    {
        var route = appliance.Routes[fuzzCase.Route];
        var method = fuzzCase.Method ?? route.Method;
        var values = route.Parameters.Select((name, i) => (name, value: Resolve(route, method, name, fuzzCase.Values[i]))).ToDictionary(pair => pair.name, pair => pair.value);
        var path = Shape(RouteCatalog.Fill(route, name => values[name], escape: false), fuzzCase);
        var query = Substitute(fuzzCase.Query);
        report.RoutesFuzzed.Add(route.ToString());

        // Absolute, so a path starting "//" stays a path and is not read as a host.
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(appliance.Client.BaseAddress!, "/").GetLeftPart(UriPartial.Authority) + path + query);
        if (Token(fuzzCase.Caller) is { } token)
        {
            request.Headers.TryAddWithoutValidation("X-Auth-Token", token);
        }

        foreach (var (name, value) in fuzzCase.Headers)
        {
            request.Headers.TryAddWithoutValidation(name, Substitute(value));
        }

        var body = Body(route, fuzzCase.Body, name => values.GetValueOrDefault(name, "fz"));
        if (body is not null)
        {
            request.Content = fuzzCase.Body.Chunked ? new StreamContent(new NonSeekableStream(body.Bytes)) : new ByteArrayContent(body.Bytes);
            if (body.ContentType is not null)
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", body.ContentType);
            }
        }

        var what = $"#{index} {method} {LeakScanner.Shorten(path + query, 200)} as {fuzzCase.Caller}"
            + (fuzzCase.Headers.Count > 0 ? " headers " + string.Join(", ", fuzzCase.Headers.Select(h => $"{h.Key}: {LeakScanner.Shorten(h.Value, 40)}")) : "")
            + (body is null ? "" : $" body ({body.ContentType}) {LeakScanner.Shorten(body.Text, 200)}");
        HttpResponseMessage response;
        string text;
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            response = await appliance.Client.SendAsync(request, timeout.Token);
            text = await response.Content.ReadAsStringAsync(timeout.Token);
        }
        catch (Exception e) when (e is HttpRequestException or InvalidOperationException or OperationCanceledException or IOException or UriFormatException)
        {
            // TestServer rethrows what the app let escape after answering began; a hang ends in the timeout.
            report.ClientFailures++;
            report.Violations.Add($"client failure {e.GetType().Name}: {LeakScanner.Shorten(e.Message, 200)} for {what}");
            return;
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            report.Statuses[status] = report.Statuses.GetValueOrDefault(status) + 1;
            if (status is >= 200 and < 300 && method == route.Method && fuzzCase.Shape == PathShape.AsIs)
            {
                report.RoutesAnswered2xx.Add(route.ToString());
            }

            var problems = SecurityProbe.Check(appliance.Leaks, what, status, response, text);
            foreach (var problem in problems)
            {
                if (problem == status.ToString(System.Globalization.CultureInfo.InvariantCulture))
                {
                    report.ServerErrors++;
                }
                else if (problem.Contains(" in body", StringComparison.Ordinal) || problem.Contains(" in header", StringComparison.Ordinal))
                {
                    report.BodyLeaks++;
                }
                else
                {
                    report.WrongErrorBodies++;
                }

                report.Violations.Add($"{problem}: {what} -> {status} {LeakScanner.Shorten(text, 300)}");
            }

            Remember(response, text);
        }
    }

    /// <summary>Secrets the appliance hands out in answers become secrets the rest of the run must never show again.</summary>
    private void Remember(HttpResponseMessage response, string text)
    {
        if (response.Headers.TryGetValues("X-Subject-Token", out var subject))
        {
            foreach (var token in subject)
            {
                appliance.Leaks.Add("token", token);
            }
        }

        if (!response.IsSuccessStatusCode || !text.Contains("adminPass", StringComparison.Ordinal) && !text.Contains("private_key", StringComparison.Ordinal))
        {
            return;
        }

        try
        {
            var node = JsonNode.Parse(text);
            appliance.Leaks.Add("adminPass", node?["server"]?["adminPass"]?.GetValue<string>() ?? node?["adminPass"]?.GetValue<string>());
            appliance.Leaks.AddPrivateKey(node?["keypair"]?["private_key"]?.GetValue<string>());
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
        }
    }

    /// <summary>
    /// The live value for a parameter. Writes never get the public image or flavor (every server the fixture makes boots
    /// from them) and identity writes get the victims, never A's or B's user, project or role, whose tokens the run needs.
    /// </summary>
    private string Resolve(ApiRoute route, string method, string parameter, PathValue value)
    {
        var tenant = value.Source == ValueSource.OwnedByB ? appliance.B : appliance.A;
        var reading = method is "GET" or "HEAD";
        var real = value.Source switch
        {
            ValueSource.Literal => null,
            ValueSource.Public when reading && parameter is "id" && route.Unversioned.StartsWith("/flavors", StringComparison.Ordinal) => TwoProjectAppliance.PublicFlavorId,
            ValueSource.Public when reading && parameter is "id" or "imageId" && route.Unversioned.Contains("images", StringComparison.Ordinal) => appliance.PublicImageId,
            _ when !reading && route.Service == ApiService.Identity && Victim(parameter) is { } victim => victim,
            _ => RouteValues.Owned(route, parameter, tenant, appliance),
        };
        return real is not null ? Uri.EscapeDataString(real) : value.Escape ? Uri.EscapeDataString(value.Literal) : value.Literal;
    }

    /// <summary>Identity ids the fuzzer may destroy: the victim user, project and role, never A's or B's (whose tokens the run needs).</summary>
    private string? Victim(string parameter) => parameter switch
    {
        "userId" => appliance.Victim.UserId,
        "projectId" => appliance.Victim.ProjectId,
        "roleId" => appliance.VictimRoleId,
        _ => null,
    };

    private string Shape(string path, FuzzCase fuzzCase)
    {
        var version = ApiRoute.ComputeVersion(path);
        return fuzzCase.Shape switch
        {
            PathShape.TrailingSlash => path + "/",
            PathShape.DoubleSlash => path.Replace("/", "//", StringComparison.Ordinal),
            PathShape.UpperCase => path.ToUpperInvariant(),
            PathShape.ExtraSegment => path + "/fz",
            PathShape.DropLastSegment => path[..Math.Max(path.LastIndexOf('/'), 1)],
            PathShape.ProjectInUrlOfA when version is not null => version + "/" + appliance.A.ProjectId + path[version.Length..],
            PathShape.ProjectInUrlOfB when version is not null => version + "/" + appliance.B.ProjectId + path[version.Length..],
            PathShape.SwapVersion when version is not null => (version == "/v2.1" ? "/v2" : "/v2.1") + path[version.Length..],
            PathShape.Unrouted => fuzzCase.UnroutedPath,
            _ => path,
        };
    }

    private string? Token(FuzzCaller caller) => caller switch
    {
        FuzzCaller.OwnerA => appliance.A.Token,
        FuzzCaller.ForeignB => appliance.B.Token,
        FuzzCaller.Admin => appliance.AdminToken,
        FuzzCaller.GarbageToken => "gAAAAABfuzz-not-a-token",
        FuzzCaller.Unscoped => appliance.UnscopedTokenOfA,
        FuzzCaller.Revoked => appliance.RevokedToken,
        _ => null,
    };

    private string Substitute(string text) => text
        .Replace("{A}", appliance.A.ProjectId, StringComparison.Ordinal)
        .Replace("{userA}", appliance.A.UserId, StringComparison.Ordinal)
        .Replace("{victim}", appliance.VictimToken, StringComparison.Ordinal);

    private RequestBody? Body(ApiRoute route, BodyRecipe recipe, Func<string, string> valueOf)
    {
        RequestBody? body;
        if (recipe.Seed >= 0)
        {
            var seeds = SeedsOf(route, valueOf);
            var seed = seeds[recipe.Seed % seeds.Count];
            body = recipe.Mutations.Count == 0 ? seed : new RequestBody(seed.ContentType, Encoding.UTF8.GetBytes(JsonMutator.Apply(seed.Text, recipe.Mutations)));
        }
        else if (recipe.RawJson is not null)
        {
            body = RequestBody.Json(recipe.RawJson);
        }
        else if (recipe.RawBytes is not null)
        {
            body = new RequestBody("application/json", recipe.RawBytes);
        }
        else
        {
            return null;
        }

        return recipe.KeepContentType ? body : body with { ContentType = recipe.ContentType };
    }

    /// <summary>A body of unknown length, so it goes chunked.</summary>
    private sealed class NonSeekableStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
