using System.Net;
using System.Text.Json;
using Appliance.Tests.Hosting;

namespace Appliance.Tests.Servers;

/// <summary>/servers/{id}/os-instance-actions: the create and delete actions a server records, with the build's timed events.</summary>
public sealed class InstanceActionsApiTests(SubresourceFixture fixture) : IClassFixture<SubresourceFixture>
{
    private static readonly string[] ActionFields = ["action", "instance_uuid", "message", "project_id", "request_id", "start_time", "user_id"];

    private async Task<(string Id, string RequestId)> CreateAsync(string name)
    {
        var id = await fixture.ActiveServerAsync(name);
        var (_, body) = await fixture.Send(HttpMethod.Get, $"/v2.1/servers/{id}/os-instance-actions");
        var action = JsonDocument.Parse(body).RootElement.GetProperty("instanceActions")[0];
        return (id, action.GetProperty("request_id").GetString()!);
    }

    [Fact]
    public async Task List_ShowsTheCreate_AsNovasSample()
    {
        var response = await fixture.Session.Send(HttpMethod.Post, "/v2.1/servers",
            $$$"""{"server": {"name": "actions-list", "imageRef": "{{{fixture.Session.ImageId}}}", "flavorRef": "42"}}""");
        Assert.Equal(HttpStatusCode.Accepted, response.Status);
        var id = JsonDocument.Parse(response.Body).RootElement.GetProperty("server").GetProperty("id").GetString()!;
        var requestId = response.Response.Headers.GetValues("X-OpenStack-Request-ID").Single();
        await fixture.Session.WaitForStatusAsync(id, ["ACTIVE"]);

        var (status, body) = await fixture.Send(HttpMethod.Get, $"/v2.1/servers/{id}/os-instance-actions");
        Assert.Equal(HttpStatusCode.OK, status);
        var action = JsonDocument.Parse(body).RootElement.GetProperty("instanceActions").EnumerateArray().Single();
        Assert.Equal(ActionFields, action.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        JsonAssert.Equal($$"""
            {"action": "create", "instance_uuid": "{{id}}", "message": null, "project_id": "{{fixture.Session.Member.ProjectId}}",
             "request_id": "{{requestId}}", "start_time": "{{action.GetProperty("start_time").GetString()}}", "user_id": "{{fixture.Session.Member.UserId}}"}
            """, action.GetRawText());
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$", action.GetProperty("start_time").GetString());
        await fixture.Send(HttpMethod.Delete, $"/v2.1/servers/{id}");
        await fixture.Session.Runner.WhenIdleAsync();
    }

    [Fact]
    public async Task Show_GivesAnAdminTheBuildsEvents_WithTraceback()
    {
        var (id, requestId) = await CreateAsync("actions-admin");
        var (status, body) = await fixture.Send(HttpMethod.Get, $"/v2.1/servers/{id}/os-instance-actions/{requestId}", token: fixture.Session.AdminToken);
        Assert.Equal(HttpStatusCode.OK, status);
        var action = JsonDocument.Parse(body).RootElement.GetProperty("instanceAction");
        Assert.Equal(ActionFields.Append("events").Order(StringComparer.Ordinal), action.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal("create", action.GetProperty("action").GetString());
        Assert.Equal(requestId, action.GetProperty("request_id").GetString());
        var events = action.GetProperty("events").EnumerateArray().ToList();
        var build = events.Single(e => e.GetProperty("event").GetString() == "compute__do_build_and_run_instance");
        Assert.Equal(["event", "finish_time", "result", "start_time", "traceback"], build.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal("Success", build.GetProperty("result").GetString());
        Assert.Equal(JsonValueKind.Null, build.GetProperty("traceback").ValueKind);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$", build.GetProperty("finish_time").GetString());
        Assert.True(string.CompareOrdinal(build.GetProperty("start_time").GetString(), build.GetProperty("finish_time").GetString()) <= 0);
        // The driver's phases are events too.
        Assert.Contains(events, e => e.GetProperty("event").GetString()!.StartsWith("spawn: ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Show_GivesAMemberNoEvents_Below251()
    {
        var (id, requestId) = await CreateAsync("actions-member");
        foreach (var token in new[] { fixture.Session.MemberToken, fixture.ReaderToken })
        {
            var (status, body) = await fixture.Send(HttpMethod.Get, $"/v2.1/servers/{id}/os-instance-actions/{requestId}", token: token);
            Assert.Equal(HttpStatusCode.OK, status);
            var action = JsonDocument.Parse(body).RootElement.GetProperty("instanceAction");
            Assert.Equal(ActionFields, action.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        }
    }

    [Fact]
    public async Task UnknownRequestId_Is404()
    {
        var (id, _) = await CreateAsync("actions-unknown");
        var (status, body) = await fixture.Send(HttpMethod.Get, $"/v2.1/servers/{id}/os-instance-actions/req-nope");
        Assert.Equal(HttpStatusCode.NotFound, status);
        JsonAssert.Equal(SubresourceFixture.Fault("itemNotFound", 404, "Action req-nope not found"), body);
    }

    [Fact]
    public async Task AnotherProjectsServer_Is404()
    {
        var (id, requestId) = await CreateAsync("actions-other");
        var notFound = SubresourceFixture.Fault("itemNotFound", 404, $"Instance {id} could not be found.");
        JsonAssert.Equal(notFound, (await fixture.Send(HttpMethod.Get, $"/v2.1/servers/{id}/os-instance-actions", token: fixture.OutsiderToken)).Body);
        JsonAssert.Equal(notFound,
            (await fixture.Send(HttpMethod.Get, $"/v2.1/servers/{id}/os-instance-actions/{requestId}", token: fixture.OutsiderToken)).Body);
    }

    [Fact]
    public async Task DeletedServer_Is404_Below221()
    {
        var (id, _) = await CreateAsync("actions-deleted");
        Assert.Equal(HttpStatusCode.NoContent, (await fixture.Send(HttpMethod.Delete, $"/v2.1/servers/{id}")).Status);
        await fixture.Session.Runner.WhenIdleAsync();
        foreach (var version in new[] { "v2.1", "v2" })
        {
            var (status, body) = await fixture.Send(HttpMethod.Get, $"/{version}/servers/{id}/os-instance-actions");
            Assert.Equal(HttpStatusCode.NotFound, status);
            JsonAssert.Equal(SubresourceFixture.Fault("itemNotFound", 404, $"Instance {id} could not be found."), body);
        }
    }

    [MicroversionFact(2, 21)]
    public async Task DeletedServer_KeepsItsActions_From221()
    {
        var (id, _) = await CreateAsync("actions-deleted-221");
        var delete = await fixture.Session.Send(HttpMethod.Delete, $"/v2.1/servers/{id}");
        Assert.Equal(HttpStatusCode.NoContent, delete.Status);
        var deleteRequest = delete.Response.Headers.GetValues("X-OpenStack-Request-ID").Single();
        await fixture.Session.Runner.WhenIdleAsync();

        var (status, body) = await fixture.Send(HttpMethod.Get, $"/v2.1/servers/{id}/os-instance-actions", microversion: "2.21");
        Assert.Equal(HttpStatusCode.OK, status);
        var actions = JsonDocument.Parse(body).RootElement.GetProperty("instanceActions").EnumerateArray().ToList();
        Assert.Equal(["delete", "create"], actions.Select(a => a.GetProperty("action").GetString()));
        Assert.Equal(deleteRequest, actions[0].GetProperty("request_id").GetString());

        (status, body) = await fixture.Send(HttpMethod.Get, $"/v2.1/servers/{id}/os-instance-actions/{deleteRequest}",
            token: fixture.Session.AdminToken, microversion: "2.21");
        Assert.Equal(HttpStatusCode.OK, status);
        var events = JsonDocument.Parse(body).RootElement.GetProperty("instanceAction").GetProperty("events");
        Assert.Equal("compute_terminate_instance", events[0].GetProperty("event").GetString());
        Assert.Equal("Success", events[0].GetProperty("result").GetString());
    }
}
