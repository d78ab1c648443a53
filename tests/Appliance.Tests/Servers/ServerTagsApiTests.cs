using System.Net;
using Appliance.Tests.Hosting;

namespace Appliance.Tests.Servers;

/// <summary>/servers/{id}/tags from 2.26: every verb with Nova's codes, the tag rules, state and who may do what.</summary>
public sealed class ServerTagsApiTests(SubresourceFixture fixture) : IClassFixture<SubresourceFixture>
{
    private const string Version = "2.26";

    private Task<(HttpStatusCode Status, string Body)> Send(HttpMethod method, string path, string? json = null, string? token = null) =>
        fixture.Send(method, path, json, token, Version);

    [Fact]
    public async Task Below226_AndOnLegacyRoutes_TagsAre404()
    {
        var id = await fixture.ActiveServerAsync("tags-old");
        foreach (var path in new[] { $"/v2.1/servers/{id}/tags", $"/v2/servers/{id}/tags", $"/v2.1/servers/{id}/tags/a" })
        {
            var (status, body) = await fixture.Send(HttpMethod.Get, path);
            Assert.Equal(HttpStatusCode.NotFound, status);
            JsonAssert.Equal(SubresourceFixture.Fault("itemNotFound", 404, "The resource could not be found."), body);
        }

        Assert.Equal(HttpStatusCode.NotFound, (await fixture.Send(HttpMethod.Put, $"/v2.1/servers/{id}/tags/a")).Status);
    }

    [MicroversionFact(2, 26)]
    public async Task AllVerbs_WithNovasCodes()
    {
        var id = await fixture.ActiveServerAsync("tags-verbs");
        var path = $"/v2.1/servers/{id}/tags";
        var (status, body) = await Send(HttpMethod.Get, path);
        Assert.Equal(HttpStatusCode.OK, status);
        JsonAssert.Equal("""{"tags": []}""", body);

        (status, body) = await Send(HttpMethod.Put, path, """{"tags": ["tag2", "tag1", "tag1"]}""");
        Assert.Equal(HttpStatusCode.OK, status);
        JsonAssert.Equal("""{"tags": ["tag1", "tag2"]}""", body);

        var (created, _, response) = await fixture.Session.Send(HttpMethod.Put, $"{path}/tag3", microversion: Version);
        Assert.Equal(HttpStatusCode.Created, created);
        Assert.Equal($"http://localhost/v2.1/servers/{id}/tags/tag3", response.Headers.Location!.ToString());
        (status, body) = await Send(HttpMethod.Put, $"{path}/tag3");
        Assert.Equal(HttpStatusCode.NoContent, status);
        Assert.Equal("", body);

        (status, body) = await Send(HttpMethod.Get, $"{path}/tag3");
        Assert.Equal(HttpStatusCode.NoContent, status);
        Assert.Equal("", body);
        (status, body) = await Send(HttpMethod.Get, $"{path}/nope");
        Assert.Equal(HttpStatusCode.NotFound, status);
        JsonAssert.Equal(SubresourceFixture.Fault("itemNotFound", 404, $"Server {id} has no tag 'nope'"), body);

        JsonAssert.Equal("""{"tags": ["tag1", "tag2", "tag3"]}""", (await Send(HttpMethod.Get, path)).Body);
        (status, body) = await Send(HttpMethod.Delete, $"{path}/tag1");
        Assert.Equal(HttpStatusCode.NoContent, status);
        (status, body) = await Send(HttpMethod.Delete, $"{path}/tag1");
        Assert.Equal(HttpStatusCode.NotFound, status);
        JsonAssert.Equal(SubresourceFixture.Fault("itemNotFound", 404, $"Instance {id} has no tag 'tag1'"), body);

        // The server view carries the tags from 2.26.
        (_, body) = await Send(HttpMethod.Get, $"/v2.1/servers/{id}");
        Assert.Contains("\"tags\":[\"tag2\",\"tag3\"]", body);

        (status, body) = await Send(HttpMethod.Delete, path);
        Assert.Equal(HttpStatusCode.NoContent, status);
        Assert.Equal("", body);
        JsonAssert.Equal("""{"tags": []}""", (await Send(HttpMethod.Get, path)).Body);
    }

    [MicroversionFact(2, 26)]
    public async Task TagRules_Are400()
    {
        var id = await fixture.ActiveServerAsync("tags-rules");
        var path = $"/v2.1/servers/{id}/tags";
        foreach (var bad in new[] { "a,b", "a%2Fb", new string('t', 61) })
        {
            var (status, body) = await Send(HttpMethod.Put, $"{path}/{bad}");
            Assert.True(status == HttpStatusCode.BadRequest, $"{bad}: {status} {body}");
            var message = System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("badRequest").GetProperty("message").GetString();
            Assert.StartsWith($"Tag '{bad.Replace("%2F", "/")}' is invalid. It must be a non empty string without characters '/' and ','.", message);
        }

        Assert.Equal(HttpStatusCode.Created, (await Send(HttpMethod.Put, $"{path}/{new string('t', 60)}")).Status);
        foreach (var json in new[] { """{"tags": ["a/b"]}""", """{"tags": [""]}""", $$"""{"tags": ["{{new string('t', 61)}}"]}""", """{"tags": [1]}""",
                     """{"tags": "a"}""", """{}""" })
        {
            var (status, body) = await Send(HttpMethod.Put, path, json);
            Assert.True(status == HttpStatusCode.BadRequest, $"{json}: {status} {body}");
        }

        Assert.Equal(HttpStatusCode.BadRequest, (await Send(HttpMethod.Put, $"{path}/x", """{"tag": "x"}""")).Status);
        JsonAssert.Equal($$"""{"tags": ["{{new string('t', 60)}}"]}""", (await Send(HttpMethod.Get, path)).Body);
    }

    [MicroversionFact(2, 26)]
    public async Task FiftyTags_AreTheMost()
    {
        var id = await fixture.ActiveServerAsync("tags-limit");
        var path = $"/v2.1/servers/{id}/tags";
        var fifty = string.Join(", ", Enumerable.Range(0, 50).Select(i => $"\"t{i:D2}\""));
        Assert.Equal(HttpStatusCode.OK, (await Send(HttpMethod.Put, path, $$"""{"tags": [{{fifty}}]}""")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await Send(HttpMethod.Put, path, $$"""{"tags": [{{fifty}}, "one-more"]}""")).Status);

        var (status, body) = await Send(HttpMethod.Put, $"{path}/one-more");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        JsonAssert.Equal(SubresourceFixture.Fault("badRequest", 400, "The number of tags exceeded the per-server limit 50"), body);
    }

    [MicroversionFact(2, 26)]
    public async Task Changes_Are409_OutsideNovasVmStates_ButReadsWork()
    {
        var id = await fixture.ActiveServerAsync("tags-state");
        var path = $"/v2.1/servers/{id}/tags";
        Assert.Equal(HttpStatusCode.Created, (await Send(HttpMethod.Put, $"{path}/a")).Status);
        await fixture.SetColumnsAsync(id, new() { ["vm_state"] = "error" });
        foreach (var (method, url, json, action) in new (HttpMethod, string, string?, string)[]
        {
            (HttpMethod.Put, $"{path}/b", null, "update tag"), (HttpMethod.Put, path, """{"tags": []}""", "update tags"),
            (HttpMethod.Delete, $"{path}/a", null, "delete tag"), (HttpMethod.Delete, path, null, "delete tags"),
        })
        {
            var (status, body) = await Send(method, url, json);
            Assert.True(status == HttpStatusCode.Conflict, $"{method} {url}: {status} {body}");
            JsonAssert.Equal(SubresourceFixture.Fault("conflictingRequest", 409, $"Cannot '{action}' instance {id} while it is in vm_state error"), body);
        }

        JsonAssert.Equal("""{"tags": ["a"]}""", (await Send(HttpMethod.Get, path)).Body);
        Assert.Equal(HttpStatusCode.NoContent, (await Send(HttpMethod.Get, $"{path}/a")).Status);
        await fixture.SetColumnsAsync(id, new() { ["vm_state"] = "active" });
    }

    [MicroversionFact(2, 26)]
    public async Task AnotherProject_Is404_AndAReader_Is403OnChanges()
    {
        var id = await fixture.ActiveServerAsync("tags-policy");
        var path = $"/v2.1/servers/{id}/tags";
        Assert.Equal(HttpStatusCode.Created, (await Send(HttpMethod.Put, $"{path}/a")).Status);
        var notFound = SubresourceFixture.Fault("itemNotFound", 404, $"Instance {id} could not be found.");
        foreach (var (method, url, json) in new (HttpMethod, string, string?)[]
        {
            (HttpMethod.Get, path, null), (HttpMethod.Put, path, """{"tags": []}"""), (HttpMethod.Delete, path, null),
            (HttpMethod.Get, $"{path}/a", null), (HttpMethod.Put, $"{path}/b", null), (HttpMethod.Delete, $"{path}/a", null),
        })
        {
            var (status, body) = await Send(method, url, json, fixture.OutsiderToken);
            Assert.True(status == HttpStatusCode.NotFound, $"{method} {url}: {status} {body}");
            JsonAssert.Equal(notFound, body);
        }

        JsonAssert.Equal("""{"tags": ["a"]}""", (await Send(HttpMethod.Get, path, token: fixture.ReaderToken)).Body);
        Assert.Equal(HttpStatusCode.NoContent, (await Send(HttpMethod.Get, $"{path}/a", token: fixture.ReaderToken)).Status);
        foreach (var (method, url, json, rule) in new (HttpMethod, string, string?, string)[]
        {
            (HttpMethod.Put, path, """{"tags": []}""", "update_all"), (HttpMethod.Delete, path, null, "delete_all"),
            (HttpMethod.Put, $"{path}/b", null, "update"), (HttpMethod.Delete, $"{path}/a", null, "delete"),
        })
        {
            var (status, body) = await Send(method, url, json, fixture.ReaderToken);
            Assert.True(status == HttpStatusCode.Forbidden, $"{method} {url}: {status} {body}");
            JsonAssert.Equal(SubresourceFixture.Fault("forbidden", 403, $"Policy doesn't allow os_compute_api:os-server-tags:{rule} to be performed."), body);
        }
    }
}
