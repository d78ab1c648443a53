using Appliance.Web.Ui.Backend;
using Appliance.Web.Ui.Components.Parts;
using Bunit;

namespace Appliance.Tests.Ui;

public sealed class ServerTableTests : UiComponentTest
{
    [Fact]
    public void Table_ServerTurnsActive_RowUpdatesLiveAndIsAnnounced()
    {
        UseSession(UiSessions.Member());
        Catalog.Rows["s1"] = FakeServerCatalog.Row("s1", "web-1");
        var cut = Render<ServerTable>();
        Assert.Equal("BUILD", cut.Find("tr[data-server=s1] .badge").TextContent);

        Catalog.Rows["s1"] = FakeServerCatalog.Row("s1", "web-1", "ACTIVE", task: null);
        Feed.Raise("s1");

        cut.WaitForAssertion(() => Assert.Equal("ACTIVE", cut.Find("tr[data-server=s1] .badge").TextContent));
        Assert.Equal("Server web-1 is ACTIVE.", cut.Find("[data-test=announcement]").TextContent);
    }

    [Fact]
    public void Table_ShowsEachServersAddresses_AndARowReadAgainOnAChangeCarriesThem()
    {
        UseSession(UiSessions.Member());
        Catalog.Rows["s1"] = FakeServerCatalog.Row("s1", "web-1", "ACTIVE", null, UiSessions.MemberProject, "10.42.7.2", "192.168.1.20");
        Catalog.Rows["s2"] = FakeServerCatalog.Row("s2", "web-2"); // building: no port yet
        var cut = Render<ServerTable>();

        Assert.Contains("Addresses", cut.FindAll("thead th[scope=col]").Select(th => th.TextContent));
        Assert.Equal("10.42.7.2, 192.168.1.20", cut.Find("tr[data-server=s1] [data-test=addresses]").TextContent);
        Assert.Equal("", cut.Find("tr[data-server=s2] [data-test=addresses]").TextContent);

        Catalog.Rows["s2"] = FakeServerCatalog.Row("s2", "web-2", "ACTIVE", null, UiSessions.MemberProject, "10.42.7.3");
        Feed.Raise("s2");

        cut.WaitForAssertion(() => Assert.Equal("10.42.7.3", cut.Find("tr[data-server=s2] [data-test=addresses]").TextContent));
        Assert.Equal("10.42.7.2, 192.168.1.20", cut.Find("tr[data-server=s1] [data-test=addresses]").TextContent);
    }

    [Fact]
    public void Table_NewServerAppears_AndADeletedOneGoes()
    {
        UseSession(UiSessions.Member());
        Catalog.Rows["old"] = FakeServerCatalog.Row("old", "old-vm", "ACTIVE", null);
        var cut = Render<ServerTable>();

        Catalog.Rows["new"] = FakeServerCatalog.Row("new", "new-vm");
        Catalog.Rows.Remove("old");
        Feed.Raise("new");
        Feed.Raise("old");

        cut.WaitForAssertion(() => Assert.Equal(["new-vm"], cut.FindAll("tbody th a").Select(a => a.TextContent)));
        Assert.Equal("servers/new", cut.Find("tbody th a").GetAttribute("href"));
    }

    [Fact]
    public void Table_SearchAndStatusFilter_NarrowTheRows()
    {
        UseSession(UiSessions.Member());
        Catalog.Rows["a"] = FakeServerCatalog.Row("a", "web-1", "ACTIVE", null);
        Catalog.Rows["b"] = FakeServerCatalog.Row("b", "db-1", "ACTIVE", null);
        Catalog.Rows["c"] = FakeServerCatalog.Row("c", "web-2", "ERROR", null);
        var cut = Render<ServerTable>();

        cut.Find("#server-search").Input("WEB");
        Assert.Equal(["web-1", "web-2"], cut.FindAll("tbody th a").Select(a => a.TextContent).Order());

        cut.Find("#server-status").Change("ERROR");
        Assert.Equal(["web-2"], cut.FindAll("tbody th a").Select(a => a.TextContent));
    }

    [Fact]
    public void Table_AdminSeesTheProjectColumn_MemberDoesNot()
    {
        UseSession(UiSessions.Admin());
        Catalog.Rows["a"] = FakeServerCatalog.Row("a", "web-1");
        var cut = Render<ServerTable>();

        Assert.Contains("Project", cut.FindAll("thead th").Select(th => th.TextContent));
        Assert.Equal("b0000000", cut.Find("tbody tr").Children[3].TextContent);
    }

    [Fact]
    public async Task Table_ListFails_ShowsTheError_AndDisposeUnsubscribes()
    {
        UseSession(UiSessions.Member());
        Catalog.ListFailure = new UiException("Your session ended (the token expired or was revoked); sign in again.");
        var cut = Render<ServerTable>();

        Assert.StartsWith("Your session ended", cut.Find("[role=alert]").TextContent);
        Assert.Equal(1, Feed.Subscribers);
        await DisposeComponentsAsync();
        Assert.Equal(0, Feed.Subscribers);
    }
}
