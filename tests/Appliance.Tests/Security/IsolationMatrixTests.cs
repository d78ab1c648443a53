using System.Text;
using Xunit.Abstractions;

namespace Appliance.Tests.Security;

/// <summary>
/// The isolation matrix: every route of the running app that names a resource, called with another project's token,
/// answers 404 (or the 403 its rule table justifies); every admin route refuses members with 403; no list shows
/// another project's resources, whatever the query asks. `./tests/security.sh isolation` prints the table.
/// </summary>
[Trait("Tier", "security")]
public sealed class IsolationMatrixTests(TwoProjectAppliance appliance, ITestOutputHelper output) : IClassFixture<TwoProjectAppliance>
{
    private sealed record Cell(string Kind, string Request, string Expected, int Status, List<string> Problems)
    {
        public bool Passed => Problems.Count == 0;
    }

    [Fact]
    public async Task EveryRouteNamingAResource_CalledWithAnotherProjectsToken_AnswersNotFoundOrItsJustifiedRefusal()
    {
        var cells = new List<Cell>();
        var logsFrom = appliance.Factory.Logs.Entries.Count;
        foreach (var (owner, foreign) in new[] { (appliance.A, appliance.B), (appliance.B, appliance.A) })
        {
            foreach (var route in appliance.Routes.Where(route => route.Parameters.Count > 0 && route.Service != ApiService.StatusPage))
            {
                var path = RouteValues.OwnedPath(route, owner, appliance);
                string Value(string parameter) => RouteValues.Owned(route, parameter, owner, appliance)!;
                var bodies = SeedBodies.For(route, Value, appliance.PublicImageId, foreign.ProjectId);
                foreach (var body in bodies.Count == 0 ? [null] : bodies.Cast<RequestBody?>())
                {
                    var (kind, expected) = Expectation(route);
                    foreach (var microversion in route.Pattern.StartsWith("/v2.1/", StringComparison.Ordinal) ? new[] { null, "latest" } : [null])
                    {
                        var result = await SecurityProbe.SendAsync(appliance, new HttpMethod(route.Method), path, foreign.Token, body, microversion, owner.Identifiers);
                        var problems = result.Problems;
                        if (result.Status != expected)
                        {
                            problems.Add(result.Status == 400 && expected == 404
                                ? $"400 before the ownership check ({LeakScanner.Shorten(result.Body, 120)}): give SeedBodies a valid body"
                                : $"answered {result.Status}: {LeakScanner.Shorten(result.Body, 200)}");
                        }

                        cells.Add(new Cell(kind, $"{route.Method} {path}{Describe(body, microversion)} as {foreign.Marker[..5]}", expected.ToString(), result.Status, problems));
                    }
                }
            }
        }

        cells.AddRange(await OwnerControlsAsync());
        Report("route x foreign caller", cells, logsFrom);
    }

    [Fact]
    public async Task EveryAdminRoute_CalledWithAMemberToken_AnswersForbidden()
    {
        var cells = new List<Cell>();
        var logsFrom = appliance.Factory.Logs.Entries.Count;
        foreach (var route in appliance.Routes.Where(route => IsolationRules.AdminOnly.ContainsKey(route.Key)))
        {
            foreach (var (owner, caller, who) in new[] { (appliance.A, appliance.A, "own member"), (appliance.A, appliance.B, "foreign member") })
            {
                var path = RouteValues.OwnedPath(route, owner, appliance);
                var bodies = SeedBodies.For(route, parameter => RouteValues.Owned(route, parameter, owner, appliance)!, appliance.PublicImageId, caller.ProjectId);
                foreach (var body in bodies.Count == 0 ? [null] : bodies.Cast<RequestBody?>())
                {
                    var result = await SecurityProbe.SendAsync(appliance, new HttpMethod(route.Method), path, caller.Token, body, mustNotShow: caller == owner ? [] : owner.Identifiers);
                    if (result.Status != 403)
                    {
                        result.Problems.Add($"answered {result.Status}: {LeakScanner.Shorten(result.Body, 200)}");
                    }

                    cells.Add(new Cell("admin route", $"{route.Method} {path}{Describe(body, null)} as {who}", "403", result.Status, result.Problems));
                }
            }
        }

        Assert.NotEmpty(cells);
        Report("admin route x member", cells, logsFrom);
    }

    [Fact]
    public async Task Lists_NeverShowAnotherProjectsResources_WhateverTheQuery()
    {
        var cells = new List<Cell>();
        var logsFrom = appliance.Factory.Logs.Entries.Count;
        foreach (var (owner, caller) in new[] { (appliance.A, appliance.B), (appliance.B, appliance.A) })
        {
            foreach (var route in appliance.Routes.Where(route => route.Method == "GET" && route.Parameters.Count == 0 && route.Service != ApiService.StatusPage))
            {
                foreach (var query in IsolationRules.ForeignListQueries)
                {
                    var path = route.Pattern + query.Replace("{A}", owner.ProjectId, StringComparison.Ordinal)
                        .Replace("{userA}", owner.UserId, StringComparison.Ordinal).Replace("{nameA}", owner.ServerName, StringComparison.Ordinal);
                    foreach (var microversion in route.Pattern.StartsWith("/v2.1/", StringComparison.Ordinal) ? new[] { null, "latest" } : [null])
                    {
                        // The caller's list may echo a query value back (a next link); only ids and names it did not send count.
                        var result = await SecurityProbe.SendAsync(appliance, HttpMethod.Get, path, caller.Token, microversion: microversion,
                            mustNotShow: owner.Identifiers.Where(identifier => !query.Contains("{A}") || identifier != owner.ProjectId)
                                .Where(identifier => !query.Contains("{userA}") || identifier != owner.UserId)
                                .Where(identifier => !query.Contains("{nameA}") || !owner.ServerName.Contains(identifier, StringComparison.Ordinal)));
                        if (query.Length == 0 && result.Status == 200 && IsolationRules.ListsOfOwnResources.Contains(route.Key)
                            && !result.Body.Contains(caller.Marker, StringComparison.Ordinal) && !result.Body.Contains(caller.ProjectId, StringComparison.Ordinal))
                        {
                            result.Problems.Add("the caller's own resources are missing: the filter proves nothing");
                        }

                        cells.Add(new Cell("list", $"GET {path}{Describe(null, microversion)} as {caller.Marker[..5]}", "no foreign item", result.Status, result.Problems));
                    }
                }
            }
        }

        Report("list x foreign query", cells, logsFrom);
    }

    [Fact]
    public async Task AllowListedResources_AreReallyPublic_AndOnlyReadableByOthers()
    {
        var cells = new List<Cell>();
        var logsFrom = appliance.Factory.Logs.Entries.Count;
        var b = appliance.B;

        // The public image and flavor: proven public first, then readable by a project that does not own them.
        var image = await SecurityProbe.SendAsync(appliance, HttpMethod.Get, $"/image/v2/images/{appliance.PublicImageId}", b.Token);
        cells.Add(new Cell("public", "GET public image as B", "200 visibility public", image.Status,
            Require(image, image.Status == 200 && image.Body.Contains("\"visibility\":\"public\"", StringComparison.Ordinal))));
        var flavor = await SecurityProbe.SendAsync(appliance, HttpMethod.Get, $"/v2.1/flavors/{TwoProjectAppliance.PublicFlavorId}", b.Token);
        cells.Add(new Cell("public", "GET public flavor as B", "200 is_public", flavor.Status,
            Require(flavor, flavor.Status == 200 && flavor.Body.Contains("\"os-flavor-access:is_public\":true", StringComparison.Ordinal))));
        foreach (var (method, path, expected) in new (string, string, int)[]
        {
            ("GET", $"/image/v2/images/{appliance.PublicImageId}/file", 200),
            ("GET", $"/v2.1/images/{appliance.PublicImageId}", 200),
            ("GET", $"/v2.1/images/{appliance.PublicImageId}/metadata", 200),
            ("GET", $"/v2.1/flavors/{TwoProjectAppliance.PublicFlavorId}/os-extra_specs", 200),
            ("PATCH", $"/image/v2/images/{appliance.PublicImageId}", 403),
            ("DELETE", $"/image/v2/images/{appliance.PublicImageId}", 403),
            ("PUT", $"/image/v2/images/{appliance.PublicImageId}/tags/fz", 403),
            ("DELETE", $"/v2.1/images/{appliance.PublicImageId}", 403),
            ("POST", $"/v2.1/images/{appliance.PublicImageId}/metadata", 403),
            ("DELETE", $"/v2.1/flavors/{TwoProjectAppliance.PublicFlavorId}", 403),
        })
        {
            var route = new ApiRoute(method, path, []);
            var body = method switch
            {
                "PATCH" => RequestBody.Json("""[{"op": "replace", "path": "/name", "value": "taken"}]""", "application/openstack-images-v2.1-json-patch"),
                "POST" => RequestBody.Json("""{"metadata": {"taken": "yes"}}"""),
                _ => null,
            };
            var result = await SecurityProbe.SendAsync(appliance, new HttpMethod(route.Method), path, b.Token, body);
            cells.Add(new Cell("public", $"{method} {path} as B", expected.ToString(), result.Status,
                Require(result, result.Status == expected)));
        }

        // Quota defaults are Nova's "@" rule: the same numbers for any project, none of the project's own.
        var defaults = await SecurityProbe.SendAsync(appliance, HttpMethod.Get, $"/v2.1/os-quota-sets/{appliance.A.ProjectId}/defaults", b.Token);
        var ownDefaults = await SecurityProbe.SendAsync(appliance, HttpMethod.Get, $"/v2.1/os-quota-sets/{b.ProjectId}/defaults", b.Token);
        cells.Add(new Cell("public", "GET A's quota defaults as B", "200, same as B's own", defaults.Status,
            Require(defaults, defaults.Status == 200 && defaults.Body.Replace(appliance.A.ProjectId, b.ProjectId, StringComparison.Ordinal) == ownDefaults.Body)));

        // Version documents and Keystone's discovery answer anyone, even without a token.
        foreach (var route in appliance.Routes.Where(route => route.Method == "GET" && route.Parameters.Count == 0 && IsVersionDocument(route.Pattern)))
        {
            var result = await SecurityProbe.SendAsync(appliance, HttpMethod.Get, route.Pattern, token: null);
            cells.Add(new Cell("public", $"GET {route.Pattern} without a token", "2xx/300", result.Status, Require(result, result.Status is 200 or 300)));
        }

        Report("allow-list", cells, logsFrom);
    }

    [Fact]
    public async Task ComputeUrlNamingAnotherProject_IsAMalformedRequest()
    {
        var cells = new List<Cell>();
        var logsFrom = appliance.Factory.Logs.Entries.Count;
        foreach (var route in appliance.Routes.Where(route => route.Service == ApiService.Compute && ApiRoute.ComputeVersion(route.Pattern) is not null && route.Unversioned != "/"))
        {
            var version = ApiRoute.ComputeVersion(route.Pattern)!;
            var path = version + "/" + appliance.A.ProjectId + RouteValues.OwnedPath(route, appliance.A, appliance)[version.Length..];
            var result = await SecurityProbe.SendAsync(appliance, new HttpMethod(route.Method), path, appliance.B.Token);
            cells.Add(new Cell("project in URL", $"{route.Method} {path} as B", "400", result.Status, Require(result, result.Status == 400)));
        }

        Report("compute URL with A's project id", cells, logsFrom);
    }

    [Fact]
    public void RuleTables_NameOnlyRoutesTheAppServes_AndEveryParameterHasAValue()
    {
        var keys = appliance.Routes.Select(route => route.Key).ToHashSet();
        var stale = IsolationRules.AdminOnly.Keys.Concat(IsolationRules.ForeignForbidden.Keys).Concat(IsolationRules.ForeignVisible.Keys)
            .Concat(IsolationRules.NoOwnerControl.Keys).Concat(IsolationRules.ListsOfOwnResources).Where(key => !keys.Contains(key)).ToList();
        Assert.True(stale.Count == 0, "rules for routes the app no longer serves: " + string.Join(", ", stale));
        foreach (var route in appliance.Routes.Where(route => route.Service != ApiService.StatusPage))
        {
            var path = RouteValues.OwnedPath(route, appliance.A, appliance);
            Assert.DoesNotContain("{", path, StringComparison.Ordinal);
        }

        Assert.True(appliance.Routes.Count > 150, $"only {appliance.Routes.Count} routes found: is the endpoint data source the app's?");
    }

    /// <summary>GET calls by the owner (or admin, for admin routes) on the same paths: the ids the matrix used are real.</summary>
    private async Task<List<Cell>> OwnerControlsAsync()
    {
        var cells = new List<Cell>();
        foreach (var route in appliance.Routes.Where(route => route.Method == "GET" && route.Parameters.Count > 0 && route.Service != ApiService.StatusPage
            && route.Pattern.StartsWith("/v2.1/", StringComparison.Ordinal) || route.Method == "GET" && route.Parameters.Count > 0 && route.Service is ApiService.Identity or ApiService.Image or ApiService.Network))
        {
            if (IsolationRules.NoOwnerControl.ContainsKey(route.Key))
            {
                continue;
            }

            var token = IsolationRules.AdminOnly.ContainsKey(route.Key) ? appliance.AdminToken : appliance.A.Token;
            var path = RouteValues.OwnedPath(route, appliance.A, appliance);
            var first = await SecurityProbe.SendAsync(appliance, HttpMethod.Get, path, token);
            var result = first.Status is >= 200 and < 300 ? first : await SecurityProbe.SendAsync(appliance, HttpMethod.Get, path, token, microversion: "latest");
            cells.Add(new Cell("owner control", $"GET {path} as owner", "2xx", result.Status, Require(result, result.Status is >= 200 and < 300)));
        }

        return cells;
    }

    private (string Kind, int Status) Expectation(ApiRoute route) =>
        IsolationRules.AdminOnly.ContainsKey(route.Key) ? ("admin route", 403)
        : IsolationRules.ForeignForbidden.ContainsKey(route.Key) ? ("foreign 403", 403)
        : IsolationRules.ForeignVisible.ContainsKey(route.Key) ? ("foreign visible", 200)
        : ("foreign 404", 404);

    private static bool IsVersionDocument(string pattern) =>
        pattern is "/" or "/v2/" or "/v2.1/" or "/v1.1/" or "/image" or "/image/versions" or "/identity/" or "/identity/v3/";

    private static List<string> Require(ProbeResult result, bool condition)
    {
        if (!condition)
        {
            result.Problems.Add($"answered {result.Status}: {LeakScanner.Shorten(result.Body, 200)}");
        }

        return result.Problems;
    }

    private static string Describe(RequestBody? body, string? microversion) =>
        (body is null ? "" : $" [{LeakScanner.Shorten(body.Text, 60)}]") + (microversion is null ? "" : $" @{microversion}");

    private void Report(string title, List<Cell> cells, int logsFrom)
    {
        var logLeaks = appliance.Leaks.ScanLogs(appliance.Factory.Logs, logsFrom);
        var table = new StringBuilder();
        table.AppendLine($"Isolation: {title}");
        table.AppendLine($"{"kind",-18} {"cells",7} {"passed",7} {"violations",10}");
        foreach (var group in cells.GroupBy(cell => cell.Kind))
        {
            table.AppendLine($"{group.Key,-18} {group.Count(),7} {group.Count(cell => cell.Passed),7} {group.Count(cell => !cell.Passed),10}");
        }

        table.AppendLine($"{"total",-18} {cells.Count,7} {cells.Count(cell => cell.Passed),7} {cells.Count(cell => !cell.Passed),10}   log leaks: {logLeaks.Count}");
        var failures = cells.Where(cell => !cell.Passed).Select(cell => $"  {cell.Request}: {string.Join("; ", cell.Problems)}")
            .Concat(logLeaks.Distinct().Select(leak => "  " + leak)).ToList();
        output.WriteLine(table.ToString());
        SecurityReport.Append(table.ToString());
        Assert.True(failures.Count == 0, $"{failures.Count} violations:\n" + string.Join("\n", failures.Take(80)));
    }
}
