using System.Net;
using Appliance.Hypervisor.Driver;
using Appliance.Tests.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Appliance.Tests.Servers;

/// <summary>POST /servers/{id}/action: the dispatcher's refusals, and os-getConsoleOutput on a test:///default guest.</summary>
public sealed class ConsoleOutputActionTests(SubresourceFixture fixture) : IClassFixture<SubresourceFixture>
{
    private string ConsoleLog(string id) => Path.Combine(fixture.Session.Factory.DataDir, "instances", id, "console.log");

    private Task<(HttpStatusCode Status, string Body)> Action(string id, string json, string? token = null, string version = "v2.1") =>
        fixture.Send(HttpMethod.Post, $"/{version}/servers/{id}/action", json, token);

    [Fact]
    public async Task NoLogWrittenYet_IsAnEmptyOutput()
    {
        var id = await fixture.ActiveServerAsync("console-empty");
        File.Delete(ConsoleLog(id));
        var (status, body) = await Action(id, """{"os-getConsoleOutput": {"length": 50}}""");
        Assert.Equal(HttpStatusCode.OK, status);
        JsonAssert.Equal("""{"output": ""}""", body);
    }

    [Theory]
    [InlineData("""{"os-getConsoleOutput": {"length": 2}}""", "ANOTHER\nLAST LINE\n")]
    [InlineData("""{"os-getConsoleOutput": {"length": "1"}}""", "LAST LINE\n")]
    [InlineData("""{"os-getConsoleOutput": {"length": 0}}""", "")]
    [InlineData("""{"os-getConsoleOutput": {"length": 50}}""", "FAKE CONSOLE OUTPUT\nANOTHER\nLAST LINE\n")]
    [InlineData("""{"os-getConsoleOutput": {"length": -1}}""", "FAKE CONSOLE OUTPUT\nANOTHER\nLAST LINE\n")]
    [InlineData("""{"os-getConsoleOutput": {"length": "-1"}}""", "FAKE CONSOLE OUTPUT\nANOTHER\nLAST LINE\n")]
    [InlineData("""{"os-getConsoleOutput": {"length": null}}""", "FAKE CONSOLE OUTPUT\nANOTHER\nLAST LINE\n")]
    [InlineData("""{"os-getConsoleOutput": {}}""", "FAKE CONSOLE OUTPUT\nANOTHER\nLAST LINE\n")]
    public async Task Length_TailsTheLog_WithoutControlCharacters(string request, string expected)
    {
        var id = await fixture.ActiveServerAsync("console-tail");
        // Carriage returns and bells are dropped as Nova drops them; tabs stay.
        await File.WriteAllTextAsync(ConsoleLog(id), "FAKE CONSOLE\u0007 OUTPUT\r\nANOTHER\nLAST LINE\n");
        var (status, body) = await Action(id, request);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(expected, System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("output").GetString());
    }

    [Theory]
    [InlineData("v2")]
    [InlineData("v1.1")]
    public async Task LegacyVersions_ServeTheAction(string version)
    {
        var id = await fixture.ActiveServerAsync($"console-{version}");
        await File.WriteAllTextAsync(ConsoleLog(id), "a\tb\n");
        var (status, body) = await Action(id, """{"os-getConsoleOutput": {"length": 5}}""", version: version);
        Assert.Equal(HttpStatusCode.OK, status);
        JsonAssert.Equal("""{"output": "a\tb\n"}""", body);
    }

    [Theory]
    [InlineData("""{"os-getConsoleOutput": {"length": -2}}""")]
    [InlineData("""{"os-getConsoleOutput": {"length": "-2"}}""")]
    [InlineData("""{"os-getConsoleOutput": {"length": 1.5}}""")]
    [InlineData("""{"os-getConsoleOutput": {"length": "ten"}}""")]
    [InlineData("""{"os-getConsoleOutput": {"length": true}}""")]
    [InlineData("""{"os-getConsoleOutput": {"lines": 3}}""")]
    [InlineData("""{"os-getConsoleOutput": null}""")]
    [InlineData("""{"os-getConsoleOutput": 5}""")]
    public async Task InvalidArguments_Are400(string request)
    {
        var id = await fixture.ActiveServerAsync("console-invalid");
        var (status, body) = await Action(id, request);
        Assert.True(status == HttpStatusCode.BadRequest, $"{request}: {status} {body}");
        Assert.Contains("\"badRequest\"", body);
    }

    [Fact]
    public async Task Dispatcher_RefusesUnknownActionsAndBodiesWithoutExactlyOneKey_BeforeLookingUpTheServer()
    {
        var missing = Guid.NewGuid().ToString();
        var (status, body) = await Action(missing, """{"os-fooBar": {}}""");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        JsonAssert.Equal(SubresourceFixture.Fault("badRequest", 400, "There is no such action: os-fooBar"), body);

        foreach (var request in new[] { "{}", """{"os-getConsoleOutput": {}, "os-fooBar": {}}""", "[]", "null", "" })
        {
            (status, body) = await Action(missing, request);
            Assert.True(status == HttpStatusCode.BadRequest, $"{request}: {status} {body}");
            JsonAssert.Equal(SubresourceFixture.Fault("badRequest", 400, "Malformed request body"), body);
        }

        (status, body) = await Action(missing, """{"os-getConsoleOutput": {}}""");
        Assert.Equal(HttpStatusCode.NotFound, status);
        JsonAssert.Equal(SubresourceFixture.Fault("itemNotFound", 404, $"Instance {missing} could not be found."), body);
    }

    [Fact]
    public async Task BuildingServer_Is409NotReady()
    {
        var id = await fixture.ActiveServerAsync("console-building");
        await fixture.SetColumnsAsync(id, new() { ["vm_state"] = "building", ["task_state"] = "spawning" });
        var (status, body) = await Action(id, """{"os-getConsoleOutput": {}}""");
        Assert.Equal(HttpStatusCode.Conflict, status);
        JsonAssert.Equal(SubresourceFixture.Fault("conflictingRequest", 409, $"Instance {id} is not ready"), body);
        await fixture.SetColumnsAsync(id, new() { ["vm_state"] = "active", ["task_state"] = null });
    }

    [Fact]
    public async Task GuestGoneFromTheHypervisor_Is404()
    {
        var id = await fixture.ActiveServerAsync("console-gone");
        await fixture.Session.Factory.Services.GetRequiredService<IComputeDriver>().DestroyAsync(Guid.Parse(id));
        var (status, body) = await Action(id, """{"os-getConsoleOutput": {}}""");
        Assert.Equal(HttpStatusCode.NotFound, status);
        JsonAssert.Equal(SubresourceFixture.Fault("itemNotFound", 404, $"Instance {id} could not be found."), body);
    }

    [Fact]
    public async Task AnotherProject_Is404_AndAReader_Is403()
    {
        var id = await fixture.ActiveServerAsync("console-policy");
        var (status, body) = await Action(id, """{"os-getConsoleOutput": {}}""", fixture.OutsiderToken);
        Assert.Equal(HttpStatusCode.NotFound, status);
        JsonAssert.Equal(SubresourceFixture.Fault("itemNotFound", 404, $"Instance {id} could not be found."), body);

        (status, body) = await Action(id, """{"os-getConsoleOutput": {}}""", fixture.ReaderToken);
        Assert.Equal(HttpStatusCode.Forbidden, status);
        JsonAssert.Equal(SubresourceFixture.Fault("forbidden", 403, "Policy doesn't allow os_compute_api:os-console-output to be performed."), body);

        Assert.Equal(HttpStatusCode.OK, (await Action(id, """{"os-getConsoleOutput": {}}""", fixture.Session.AdminToken)).Status);
    }
}
