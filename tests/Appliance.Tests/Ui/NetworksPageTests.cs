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
        Assert.Equal(["Name", "Kind", "Shared", "CIDR", "Gateway", "Pool use", "Actions"], cut.FindAll("thead th[scope=col]").Select(th => th.TextContent));
        var row = cut.Find("tr[data-network=private]");
        Assert.Equal("row", row.Children[0].GetAttribute("scope"));
        Assert.Equal(["private", "nat", "yes", "10.42.7.0/24", "10.42.7.1", "3 / 253", ""], Cells(row));
        Assert.Empty(cut.FindAll("[data-test=delete-network]")); // a shared network the member does not own
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
        Assert.Equal(["private", "nat", "yes", "10.42.7.0/24", "10.42.7.1", "virbr-appl0", "3 / 253", ""], Cells(cut.Find("tr[data-network=private]")));
    }

    [Fact]
    public void Networks_ProjectNetworkWithoutASubnet_HasNoPool_AndNoMeter()
    {
        UseSession(UiSessions.Member());
        Networks.Networks.Clear();
        Networks.Networks.Add(new NetworkRow("net-2", "lab", "isolated", false, null, null, null, 0, 0));
        var cut = Render<NetworksPage>();

        Assert.Equal(["lab", "isolated", "no", "no subnet", "", "no pool", ""], Cells(cut.Find("tr[data-network=lab]")));
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

    [Fact]
    public void CreateNetwork_SendsNameAndCidr_ShowsItReady_AndListsIt()
    {
        UseSession(UiSessions.Member());
        var cut = Render<NetworksPage>();

        cut.Find("#network-name").Change("lab");
        cut.Find("#network-cidr").Change("10.20.0.0/24");
        cut.Find("[data-test=network-form]").Submit();

        Assert.Equal("Network lab is ready on 10.20.0.0/24.", cut.Find("[data-test=network-created]").TextContent);
        Assert.Equal(["lab", "nat", "no", "10.20.0.0/24", "", "0 / 253", "Delete"], Cells(cut.Find("tr[data-network=lab]")));
        Assert.Equal("", cut.Find("#network-name").GetAttribute("value"));
    }

    [Fact]
    public void CreateNetwork_Refused_ShowsTheCoresMessage_AndAddsNothing()
    {
        UseSession(UiSessions.Member());
        Networks.WriteFailure = new UiException("Invalid input for operation: Requested subnet with cidr: 10.42.7.0/24 overlaps with another subnet.");
        var cut = Render<NetworksPage>();

        cut.Find("#network-name").Change("lab");
        cut.Find("#network-cidr").Change("10.42.7.0/24");
        cut.Find("[data-test=network-form]").Submit();

        Assert.StartsWith("Invalid input for operation", cut.Find("[role=alert]").TextContent);
        Assert.Empty(cut.FindAll("[data-test=network-created]"));
        Assert.Empty(cut.FindAll("tr[data-network=lab]"));
    }

    [Fact]
    public void DeleteNetwork_AsksFirst_ThenDeletes_AndCancelKeepsIt()
    {
        UseSession(UiSessions.Member());
        Networks.Networks.Add(new NetworkRow("net-2", "lab", "nat", false, "10.20.0.0/24", "10.20.0.1", null, 0, 253, Deletable: true));
        var cut = Render<NetworksPage>();

        cut.Find("tr[data-network=lab] [data-test=delete-network]").Click();
        Assert.Contains("lab", cut.Find("[data-test=delete-network-dialog]").TextContent);
        cut.Find("[data-test=delete-network-dialog] button.secondary").Click();
        Assert.Empty(cut.FindAll("[data-test=delete-network-dialog]"));
        Assert.Empty(Networks.Deleted);

        cut.Find("tr[data-network=lab] [data-test=delete-network]").Click();
        cut.Find("[data-test=confirm-delete-network]").Click();
        Assert.Equal(["net-2"], Networks.Deleted);
        Assert.Empty(cut.FindAll("tr[data-network=lab]"));
    }

    [Fact]
    public void DeleteNetwork_InUse_ShowsTheConflict_AndKeepsTheRow()
    {
        UseSession(UiSessions.Member());
        Networks.Networks.Add(new NetworkRow("net-2", "lab", "nat", false, "10.20.0.0/24", "10.20.0.1", null, 1, 253, Deletable: true));
        Networks.WriteFailure = new UiException("Unable to complete operation on network net-2. There are one or more ports still in use on the network.");
        var cut = Render<NetworksPage>();

        cut.Find("tr[data-network=lab] [data-test=delete-network]").Click();
        cut.Find("[data-test=confirm-delete-network]").Click();

        Assert.Contains("ports still in use", cut.Find("[role=alert]").TextContent);
        Assert.Single(cut.FindAll("tr[data-network=lab]"));
    }
}
