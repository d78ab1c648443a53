using Appliance.Web.Observability;
using Appliance.Web.Ui.Components.Pages;
using Bunit;

namespace Appliance.Tests.Ui;

public sealed class RequestsPageTests : UiComponentTest
{
    private static RequestLogEntry Entry(string path, int status, string? project) =>
        new(DateTimeOffset.UtcNow, "GET", path, status, 12.34, $"req-{Guid.NewGuid()}", project);

    [Fact]
    public void Requests_NewRequestAppearsLive_NewestFirst()
    {
        UseSession(UiSessions.Admin());
        Requests.Add(Entry("/v2.1/servers", 200, UiSessions.AdminProject));
        var cut = Render<RequestsPage>();

        Requests.Add(Entry("/v2.1/flavors", 200, UiSessions.MemberProject));

        cut.WaitForAssertion(() => Assert.Equal(["/v2.1/flavors", "/v2.1/servers"], cut.FindAll("td.path").Select(td => td.TextContent)));
        Assert.Equal("12.3", cut.FindAll("tbody tr")[0].Children[4].TextContent);
    }

    [Fact]
    public void Requests_ErrorsOnly_KeepsStatus400AndAbove()
    {
        UseSession(UiSessions.Admin());
        Requests.Add(Entry("/v2.1/servers", 200, null));
        Requests.Add(Entry("/v2.1/servers/x", 404, null));
        Requests.Add(Entry("/v2.1/boom", 500, null));
        var cut = Render<RequestsPage>();

        cut.Find("#errors-only").Change(true);

        Assert.Equal(["/v2.1/boom", "/v2.1/servers/x"], cut.FindAll("td.path").Select(td => td.TextContent));
        Assert.All(cut.FindAll("tbody tr"), tr => Assert.Equal("error-row", tr.ClassName));
    }

    [Fact]
    public void Requests_MemberSeesOnlyTheirProjects()
    {
        UseSession(UiSessions.Member());
        Requests.Add(Entry("/v2.1/mine", 200, UiSessions.MemberProject));
        Requests.Add(Entry("/v2.1/theirs", 200, UiSessions.AdminProject));
        Requests.Add(Entry("/identity/v3/auth/tokens", 401, null));
        var cut = Render<RequestsPage>();

        Assert.Equal(["/v2.1/mine"], cut.FindAll("td.path").Select(td => td.TextContent));
    }

    [Fact]
    public void RequestLog_KeepsOnlyTheNewestCapacity()
    {
        var log = new RequestLog();
        for (var i = 0; i < RequestLog.Capacity + 5; i++)
        {
            log.Add(Entry($"/{i}", 200, null));
        }

        var recent = log.Recent();
        Assert.Equal(RequestLog.Capacity, recent.Count);
        Assert.Equal($"/{RequestLog.Capacity + 4}", recent[0].Path);
        Assert.Equal("/5", recent[^1].Path);
    }
}
