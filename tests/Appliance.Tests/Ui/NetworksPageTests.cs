using Appliance.Web.Ui.Backend;
using Appliance.Web.Ui.Components.Pages;
using Bunit;

namespace Appliance.Tests.Ui;

public sealed class NetworksPageTests : UiComponentTest
{
    private static string[] Cells(AngleSharp.Dom.IElement row) => row.Children.Select(c => c.TextContent).ToArray();

    [Fact]
    public void Networks_Member_SeesEachNetworksSubnetAndPoolUse_ButNoBridge()
    {
        UseSession(UiSessions.Member());
        var cut = Render<NetworksPage>();

        var table = cut.Find("[data-test=network-table]");
        Assert.Contains("pool", table.QuerySelector("caption")!.TextContent);
        Assert.Equal(["Name", "Kind", "Shared", "CIDR", "Gateway", "Pool use"], cut.FindAll("thead th[scope=col]").Select(th => th.TextContent));
        var row = cut.Find("tr[data-network=private]");
        Assert.Equal("row", row.Children[0].GetAttribute("scope"));
        Assert.Equal(["private", "nat", "yes", "10.42.7.0/24", "10.42.7.1", "3 / 253"], Cells(row));
        Assert.DoesNotContain("virbr-appl0", cut.Markup);

        // The pool as a meter too, labelled by the network's name.
        var meter = cut.Find("meter");
        Assert.Equal("private", cut.Find($"#{meter.GetAttribute("aria-labelledby")}").TextContent);
        Assert.Equal(("3", "253"), (meter.GetAttribute("value"), meter.GetAttribute("max")));
        Assert.Equal("3 of 253 addresses", cut.Find("[data-test=meter-private]").TextContent);
    }

    [Fact]
    public void Networks_Admin_SeesTheBridgeColumn()
    {
        UseSession(UiSessions.Admin());
        var cut = Render<NetworksPage>();

        Assert.Contains("Bridge", cut.FindAll("thead th").Select(th => th.TextContent));
        Assert.Equal(["private", "nat", "yes", "10.42.7.0/24", "10.42.7.1", "virbr-appl0", "3 / 253"], Cells(cut.Find("tr[data-network=private]")));
    }

    [Fact]
    public void Networks_ProjectNetworkWithoutASubnet_HasNoPool_AndNoMeter()
    {
        UseSession(UiSessions.Member());
        Networks.Networks.Clear();
        Networks.Networks.Add(new NetworkRow("net-2", "lab", "isolated", false, null, null, null, 0, 0));
        var cut = Render<NetworksPage>();

        Assert.Equal(["lab", "isolated", "no", "no subnet", "", "no pool"], Cells(cut.Find("tr[data-network=lab]")));
        Assert.Empty(cut.FindAll("meter"));
    }

    [Fact]
    public void Networks_None_SaysServersAreMadeWithoutOne()
    {
        UseSession(UiSessions.Member());
        Networks.Networks.Clear();
        var cut = Render<NetworksPage>();

        Assert.Contains("No networks", cut.Find("[data-test=no-networks]").TextContent);
        Assert.Empty(cut.FindAll("table"));
    }

    [Fact]
    public void Networks_ListFails_ShowsTheError()
    {
        UseSession(UiSessions.Member());
        Networks.ListFailure = new UiException("Your session ended (the token expired or was revoked); sign in again.");
        var cut = Render<NetworksPage>();

        Assert.StartsWith("Your session ended", cut.Find("[role=alert]").TextContent);
        Assert.Empty(cut.FindAll("table"));
        Assert.Empty(cut.FindAll("[role=status]"));
    }
}
