using System.Net;
using System.Text.Json;
using Appliance.Core.Quotas;
using Appliance.Core.Servers;
using Appliance.Tests.Hosting;

namespace Appliance.Tests.Servers;

/// <summary>/servers/{id}/metadata through HTTP, SQLite and test:///default: every verb, the limits, lock, state and who may do what.</summary>
public sealed class ServerMetadataApiTests(SubresourceFixture fixture) : IClassFixture<SubresourceFixture>
{
    [Fact]
    public async Task AllSixVerbs_ChangeAndShowTheItems()
    {
        var id = await fixture.ActiveServerAsync("meta-verbs");
        var path = $"/v2.1/servers/{id}/metadata";

        var (status, body) = await fixture.Send(HttpMethod.Get, path);
        Assert.Equal(HttpStatusCode.OK, status);
        JsonAssert.Equal("""{"metadata": {}}""", body);

        (status, body) = await fixture.Send(HttpMethod.Post, path, """{"metadata": {"foo": "Foo Value", "bar": "b"}}""");
        Assert.Equal(HttpStatusCode.OK, status);
        JsonAssert.Equal("""{"metadata": {"bar": "b", "foo": "Foo Value"}}""", body);

        (status, body) = await fixture.Send(HttpMethod.Post, path, """{"metadata": {"foo": "changed", "baz": "z"}}""");
        Assert.Equal(HttpStatusCode.OK, status);
        JsonAssert.Equal("""{"metadata": {"bar": "b", "baz": "z", "foo": "changed"}}""", body);

        (status, body) = await fixture.Send(HttpMethod.Put, path, """{"metadata": {"only": "one"}}""");
        Assert.Equal(HttpStatusCode.OK, status);
        JsonAssert.Equal("""{"metadata": {"only": "one"}}""", body);

        (status, body) = await fixture.Send(HttpMethod.Put, $"{path}/foo", """{"meta": {"foo": "Bar Value"}}""");
        Assert.Equal(HttpStatusCode.OK, status);
        JsonAssert.Equal("""{"meta": {"foo": "Bar Value"}}""", body);

        (status, body) = await fixture.Send(HttpMethod.Get, $"{path}/foo");
        Assert.Equal(HttpStatusCode.OK, status);
        JsonAssert.Equal("""{"meta": {"foo": "Bar Value"}}""", body);

        (status, body) = await fixture.Send(HttpMethod.Delete, $"{path}/only");
        Assert.Equal(HttpStatusCode.NoContent, status);
        Assert.Equal("", body);

        (status, body) = await fixture.Send(HttpMethod.Get, path);
        JsonAssert.Equal("""{"metadata": {"foo": "Bar Value"}}""", body);

        // The server view shows the same items.
        (_, body) = await fixture.Send(HttpMethod.Get, $"/v2.1/servers/{id}");
        JsonAssert.Equal("""{"foo": "Bar Value"}""", JsonDocument.Parse(body).RootElement.GetProperty("server").GetProperty("metadata").GetRawText());
    }

    [Theory]
    [InlineData("v2")]
    [InlineData("v1.1")]
    public async Task LegacyVersions_ServeTheSameApi(string version)
    {
        var id = await fixture.ActiveServerAsync($"meta-{version}");
        var (status, body) = await fixture.Send(HttpMethod.Put, $"/{version}/servers/{id}/metadata/k", """{"meta": {"k": "v"}}""");
        Assert.Equal(HttpStatusCode.OK, status);
        JsonAssert.Equal("""{"meta": {"k": "v"}}""", body);
        (_, body) = await fixture.Send(HttpMethod.Get, $"/{version}/servers/{id}/metadata");
        JsonAssert.Equal("""{"metadata": {"k": "v"}}""", body);
    }

    [Fact]
    public async Task Changes_BumpUpdatedAt_SoChangesSinceSeesThem()
    {
        var id = await fixture.ActiveServerAsync("meta-updated");
        var before = (await fixture.RecordAsync(id))!.UpdatedAt;
        await ClockPassesAsync(before);
        Assert.Equal(HttpStatusCode.OK, (await fixture.Send(HttpMethod.Post, $"/v2.1/servers/{id}/metadata", """{"metadata": {"a": "1"}}""")).Status);
        var afterSet = (await fixture.RecordAsync(id))!.UpdatedAt;
        Assert.True(string.CompareOrdinal(afterSet, before) > 0, $"{afterSet} after {before}");

        var (_, body) = await fixture.Send(HttpMethod.Get, $"/v2.1/servers?changes-since={Uri.EscapeDataString(afterSet)}");
        Assert.Contains(id, body);

        await ClockPassesAsync(afterSet);
        Assert.Equal(HttpStatusCode.NoContent, (await fixture.Send(HttpMethod.Delete, $"/v2.1/servers/{id}/metadata/a")).Status);
        Assert.True(string.CompareOrdinal((await fixture.RecordAsync(id))!.UpdatedAt, afterSet) > 0);
    }

    /// <summary>
    /// Returns once the clock the store stamps rows with reads later than <paramref name="stamp"/>, so a change made now is
    /// stamped later than it: the condition the test needs, rather than a sleep assumed to be long enough.
    /// </summary>
    private static async Task ClockPassesAsync(string stamp)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (string.CompareOrdinal(Timestamps.Now(), stamp) <= 0)
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"the clock did not pass {stamp}");
            await Task.Delay(1);
        }
    }

    [Fact]
    public async Task MissingItem_Is404_OnShowAndDelete()
    {
        var id = await fixture.ActiveServerAsync("meta-missing");
        var notFound = SubresourceFixture.Fault("itemNotFound", 404, "Metadata item was not found");
        var (status, body) = await fixture.Send(HttpMethod.Get, $"/v2.1/servers/{id}/metadata/nope");
        Assert.Equal(HttpStatusCode.NotFound, status);
        JsonAssert.Equal(notFound, body);
        (status, body) = await fixture.Send(HttpMethod.Delete, $"/v2.1/servers/{id}/metadata/nope");
        Assert.Equal(HttpStatusCode.NotFound, status);
        JsonAssert.Equal(notFound, body);
    }

    [Fact]
    public async Task SetItem_BodyMustHoldExactlyTheUrlKey()
    {
        var id = await fixture.ActiveServerAsync("meta-mismatch");
        var (status, body) = await fixture.Send(HttpMethod.Put, $"/v2.1/servers/{id}/metadata/a", """{"meta": {"b": "1"}}""");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        JsonAssert.Equal(SubresourceFixture.Fault("badRequest", 400, "Request body and URI mismatch"), body);

        (status, body) = await fixture.Send(HttpMethod.Put, $"/v2.1/servers/{id}/metadata/a", """{"meta": {}}""");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        JsonAssert.Equal(SubresourceFixture.Fault("badRequest", 400, "Request body and URI mismatch"), body);

        (status, body) = await fixture.Send(HttpMethod.Put, $"/v2.1/servers/{id}/metadata/a", """{"meta": {"a": "1", "b": "2"}}""");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        JsonAssert.Equal(SubresourceFixture.Fault("badRequest", 400, "Request body contains too many items"), body);

        (status, body) = await fixture.Send(HttpMethod.Put, $"/v2.1/servers/{id}/metadata/a", """{"metadata": {"a": "1"}}""");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("badRequest", body);
        JsonAssert.Equal("""{"metadata": {}}""", (await fixture.Send(HttpMethod.Get, $"/v2.1/servers/{id}/metadata")).Body);
    }

    [Theory]
    [InlineData("""{"metadata": {"": "v"}}""")]
    [InlineData("""{"metadata": {"bad/key": "v"}}""")]
    [InlineData("""{"metadata": {"k": 1}}""")]
    [InlineData("""{"metadata": {"k": null}}""")]
    [InlineData("""{"metadata": ["k"]}""")]
    [InlineData("""{"metadata": null}""")]
    [InlineData("""{}""")]
    [InlineData("""{"metadata": {}, "extra": 1}""")]
    public async Task InvalidBodies_Are400_AndChangeNothing(string json)
    {
        var id = await fixture.ActiveServerAsync("meta-invalid");
        foreach (var method in new[] { HttpMethod.Post, HttpMethod.Put })
        {
            var (status, body) = await fixture.Send(method, $"/v2.1/servers/{id}/metadata", json);
            Assert.True(status == HttpStatusCode.BadRequest, $"{method} {json}: {status} {body}");
            Assert.Equal(400, JsonDocument.Parse(body).RootElement.GetProperty("badRequest").GetProperty("code").GetInt32());
        }

        JsonAssert.Equal("""{"metadata": {}}""", (await fixture.Send(HttpMethod.Get, $"/v2.1/servers/{id}/metadata")).Body);
    }

    [Fact]
    public async Task KeysAndValues_Of255_AreAccepted_256_Refused()
    {
        var id = await fixture.ActiveServerAsync("meta-lengths");
        var key255 = new string('k', 255);
        var value255 = new string('v', 255);
        Assert.Equal(HttpStatusCode.OK, (await fixture.Send(HttpMethod.Post, $"/v2.1/servers/{id}/metadata",
            $$$"""{"metadata": {"{{{key255}}}": "{{{value255}}}"}}""")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await fixture.Send(HttpMethod.Post, $"/v2.1/servers/{id}/metadata",
            $$$"""{"metadata": {"{{{key255}}}k": "v"}}""")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await fixture.Send(HttpMethod.Put, $"/v2.1/servers/{id}/metadata/k",
            $$$"""{"meta": {"k": "{{{value255}}}v"}}""")).Status);
    }

    [Fact]
    public async Task MoreThanMetadataItems_InTotal_Is403_AndChangesNothing()
    {
        var id = await fixture.ActiveServerAsync("meta-quota");
        var limit = DefaultQuotas.MetadataItems;
        var full = string.Join(", ", Enumerable.Range(0, limit).Select(i => $"\"k{i}\": \"v\""));
        Assert.Equal(HttpStatusCode.OK, (await fixture.Send(HttpMethod.Put, $"/v2.1/servers/{id}/metadata", $$$"""{"metadata": {{{{full}}}}}""")).Status);

        var overLimit = SubresourceFixture.Fault("forbidden", 403, $"Maximum number of metadata items exceeds {limit}");
        var (status, body) = await fixture.Send(HttpMethod.Post, $"/v2.1/servers/{id}/metadata", """{"metadata": {"one-more": "v"}}""");
        Assert.Equal(HttpStatusCode.Forbidden, status);
        JsonAssert.Equal(overLimit, body);
        (status, body) = await fixture.Send(HttpMethod.Put, $"/v2.1/servers/{id}/metadata/one-more", """{"meta": {"one-more": "v"}}""");
        Assert.Equal(HttpStatusCode.Forbidden, status);
        JsonAssert.Equal(overLimit, body);
        (status, body) = await fixture.Send(HttpMethod.Put, $"/v2.1/servers/{id}/metadata",
            $$$"""{"metadata": {{{{full}}}, "one-more": "v"}}""");
        Assert.Equal(HttpStatusCode.Forbidden, status);
        JsonAssert.Equal(overLimit, body);

        // Overwriting an item keeps the count: still allowed at the limit.
        Assert.Equal(HttpStatusCode.OK, (await fixture.Send(HttpMethod.Put, $"/v2.1/servers/{id}/metadata/k0", """{"meta": {"k0": "new"}}""")).Status);
        (_, body) = await fixture.Send(HttpMethod.Get, $"/v2.1/servers/{id}/metadata");
        Assert.Equal(limit, JsonDocument.Parse(body).RootElement.GetProperty("metadata").EnumerateObject().Count());
    }

    [Fact]
    public async Task LockedServer_Is409ForItsMember_ButAnAdminMayChangeIt()
    {
        var id = await fixture.ActiveServerAsync("meta-locked");
        await fixture.SetColumnsAsync(id, new() { ["locked"] = true, ["locked_by"] = "admin" });
        var locked = SubresourceFixture.Fault("conflictingRequest", 409, $"Instance {id} is locked");

        var (status, body) = await fixture.Send(HttpMethod.Post, $"/v2.1/servers/{id}/metadata", """{"metadata": {"a": "1"}}""");
        Assert.Equal(HttpStatusCode.Conflict, status);
        JsonAssert.Equal(locked, body);
        (status, body) = await fixture.Send(HttpMethod.Put, $"/v2.1/servers/{id}/metadata", """{"metadata": {"a": "1"}}""");
        JsonAssert.Equal(locked, body);
        (status, body) = await fixture.Send(HttpMethod.Put, $"/v2.1/servers/{id}/metadata/a", """{"meta": {"a": "1"}}""");
        JsonAssert.Equal(locked, body);

        Assert.Equal(HttpStatusCode.OK, (await fixture.Send(HttpMethod.Put, $"/v2.1/servers/{id}/metadata/a", """{"meta": {"a": "1"}}""",
            fixture.Session.AdminToken)).Status);
        (status, body) = await fixture.Send(HttpMethod.Delete, $"/v2.1/servers/{id}/metadata/a");
        Assert.Equal(HttpStatusCode.Conflict, status);
        JsonAssert.Equal(locked, body);
        Assert.Equal(HttpStatusCode.OK, (await fixture.Send(HttpMethod.Get, $"/v2.1/servers/{id}/metadata/a")).Status);
    }

    [Fact]
    public async Task ServerInTheWrongState_Is409_WithNovasMessage()
    {
        var id = await fixture.ActiveServerAsync("meta-state");
        await fixture.SetColumnsAsync(id, new() { ["task_state"] = "powering-off" });
        var (status, body) = await fixture.Send(HttpMethod.Post, $"/v2.1/servers/{id}/metadata", """{"metadata": {"a": "1"}}""");
        Assert.Equal(HttpStatusCode.Conflict, status);
        JsonAssert.Equal(SubresourceFixture.Fault("conflictingRequest", 409,
            $"Cannot 'update metadata' instance {id} while it is in task_state powering-off"), body);

        await fixture.SetColumnsAsync(id, new() { ["task_state"] = null, ["vm_state"] = "error" });
        (status, body) = await fixture.Send(HttpMethod.Put, $"/v2.1/servers/{id}/metadata", """{"metadata": {"a": "1"}}""");
        Assert.Equal(HttpStatusCode.Conflict, status);
        JsonAssert.Equal(SubresourceFixture.Fault("conflictingRequest", 409,
            $"Cannot 'update metadata' instance {id} while it is in vm_state error"), body);

        await fixture.SetColumnsAsync(id, new() { ["vm_state"] = "stopped" });
        Assert.Equal(HttpStatusCode.OK, (await fixture.Send(HttpMethod.Put, $"/v2.1/servers/{id}/metadata/a", """{"meta": {"a": "1"}}""")).Status);
        await fixture.SetColumnsAsync(id, new() { ["vm_state"] = "building" });
        (status, body) = await fixture.Send(HttpMethod.Delete, $"/v2.1/servers/{id}/metadata/a");
        Assert.Equal(HttpStatusCode.Conflict, status);
        JsonAssert.Equal(SubresourceFixture.Fault("conflictingRequest", 409,
            $"Cannot 'delete metadata' instance {id} while it is in vm_state building"), body);
        await fixture.SetColumnsAsync(id, new() { ["vm_state"] = "active" });
    }

    [Fact]
    public async Task AnotherProjectsServer_Is404_OnEveryVerb()
    {
        var id = await fixture.ActiveServerAsync("meta-other");
        var notFound = SubresourceFixture.Fault("itemNotFound", 404, $"Instance {id} could not be found.");
        var path = $"/v2.1/servers/{id}/metadata";
        foreach (var (method, url, json) in new (HttpMethod, string, string?)[]
        {
            (HttpMethod.Get, path, null), (HttpMethod.Post, path, """{"metadata": {"a": "1"}}"""), (HttpMethod.Put, path, """{"metadata": {}}"""),
            (HttpMethod.Get, $"{path}/a", null), (HttpMethod.Put, $"{path}/a", """{"meta": {"a": "1"}}"""), (HttpMethod.Delete, $"{path}/a", null),
        })
        {
            var (status, body) = await fixture.Send(method, url, json, fixture.OutsiderToken);
            Assert.True(status == HttpStatusCode.NotFound, $"{method} {url}: {status} {body}");
            JsonAssert.Equal(notFound, body);
        }

        var missing = Guid.NewGuid();
        JsonAssert.Equal(SubresourceFixture.Fault("itemNotFound", 404, $"Instance {missing} could not be found."),
            (await fixture.Send(HttpMethod.Get, $"/v2.1/servers/{missing}/metadata")).Body);
    }

    [Fact]
    public async Task Reader_MayRead_ButEveryWriteIs403()
    {
        var id = await fixture.ActiveServerAsync("meta-reader");
        Assert.Equal(HttpStatusCode.OK, (await fixture.Send(HttpMethod.Put, $"/v2.1/servers/{id}/metadata/a", """{"meta": {"a": "1"}}""")).Status);
        var path = $"/v2.1/servers/{id}/metadata";
        JsonAssert.Equal("""{"metadata": {"a": "1"}}""", (await fixture.Send(HttpMethod.Get, path, token: fixture.ReaderToken)).Body);
        JsonAssert.Equal("""{"meta": {"a": "1"}}""", (await fixture.Send(HttpMethod.Get, $"{path}/a", token: fixture.ReaderToken)).Body);

        foreach (var (method, url, json, rule) in new (HttpMethod, string, string?, string)[]
        {
            (HttpMethod.Post, path, """{"metadata": {"b": "1"}}""", "create"), (HttpMethod.Put, path, """{"metadata": {}}""", "update_all"),
            (HttpMethod.Put, $"{path}/a", """{"meta": {"a": "2"}}""", "update"), (HttpMethod.Delete, $"{path}/a", null, "delete"),
        })
        {
            var (status, body) = await fixture.Send(method, url, json, fixture.ReaderToken);
            Assert.True(status == HttpStatusCode.Forbidden, $"{method} {url}: {status} {body}");
            JsonAssert.Equal(SubresourceFixture.Fault("forbidden", 403, $"Policy doesn't allow os_compute_api:server-metadata:{rule} to be performed."), body);
        }

        JsonAssert.Equal("""{"metadata": {"a": "1"}}""", (await fixture.Send(HttpMethod.Get, path)).Body);
    }

    [Fact]
    public async Task ConcurrentMerges_LoseNoItem()
    {
        var id = await fixture.ActiveServerAsync("meta-concurrent");
        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            fixture.Send(HttpMethod.Post, $"/v2.1/servers/{id}/metadata", $$$"""{"metadata": {"k{{{i}}}": "v{{{i}}}"}}""")));
        Assert.All(results, result => Assert.Equal(HttpStatusCode.OK, result.Status));
        var (_, body) = await fixture.Send(HttpMethod.Get, $"/v2.1/servers/{id}/metadata");
        Assert.Equal(20, JsonDocument.Parse(body).RootElement.GetProperty("metadata").EnumerateObject().Count());
    }
}
