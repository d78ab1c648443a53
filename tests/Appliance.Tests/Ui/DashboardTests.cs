using Appliance.Core.Identity;
using Appliance.Web.Ui.Backend;
using Appliance.Web.Ui.Components;
using Appliance.Web.Ui.Components.Pages;
using Appliance.Web.Ui.Components.Parts;
using Bunit;

namespace Appliance.Tests.Ui;

public sealed class DashboardTests : UiComponentTest
{
    public DashboardTests() => UseSession(UiSessions.Admin());

    [Fact]
    public void Dashboard_ShowsHostFactsMetersStatusesAndQuotaUse()
    {
        var cut = Render<DashboardPage>();

        Assert.Equal("TCG", cut.Find("[data-test=accelerator]").TextContent);
        Assert.Equal("TCG emulation, slower: no vmx or svm", cut.Find("[data-test=accelerator-reason]").TextContent);
        Assert.Equal("9.0.0", cut.Find("[data-test=libvirt-version]").TextContent);
        Assert.Equal("QEMU 7.2.0", cut.Find("[data-test=hypervisor-version]").TextContent);
        Assert.Equal("3 of 16", cut.Find("[data-test=meter-vCPUs]").TextContent.Trim());
        Assert.Equal("1,536 of 8,192 MiB", cut.Find("[data-test=meter-RAM]").TextContent.Trim());
        Assert.Equal("40 of 100 GiB", cut.Find("[data-test=meter-Disk]").TextContent.Trim());
        Assert.Equal("ACTIVE 1", cut.Find("[data-test=servers-by-status] li").TextContent.Trim());
        var quota = cut.Find("[data-test=quota-table] tbody tr");
        Assert.Equal(["demo", "2 / 10", "3 / 20", "1536 / 51200"], quota.Children.Select(c => c.TextContent));
        Assert.Equal(4, cut.FindAll("svg[role=img]").Count);
    }

    [Fact]
    public void Dashboard_ServerChange_ReadsTheStatusAgainWithoutAReload()
    {
        var cut = Render<DashboardPage>();
        Assert.Equal(1, HostStatus.Reads);

        HostStatus.Status = FakeHostStatus.Sample(active: 2, build: 1);
        Feed.Raise("any-server");

        cut.WaitForAssertion(() => Assert.Equal(["ACTIVE 2", "BUILD 1"], cut.FindAll("[data-test=servers-by-status] li").Select(li => li.TextContent.Trim())));
        Assert.Equal(2, HostStatus.Reads);
    }

    [Fact]
    public async Task Dashboard_SourceFails_ShowsTheMessage_AndUnsubscribesOnDispose()
    {
        HostStatus.Failure = new UiException("Your session ended.");
        var cut = Render<DashboardPage>();

        Assert.Equal("Your session ended.", cut.Find("[role=alert]").TextContent);
        Assert.Equal(1, Feed.Subscribers);
        await DisposeComponentsAsync();
        Assert.Equal(0, Feed.Subscribers);
    }

    [Fact]
    public void Dashboard_UnexpectedFailure_HidesItsInternals()
    {
        HostStatus.Failure = new InvalidOperationException("/var/lib/appliance/secret path");
        var cut = Render<DashboardPage>();

        Assert.Equal(UiErrors.Unexpected, cut.Find("[role=alert]").TextContent);
        Assert.DoesNotContain("/var/lib", cut.Markup);
    }

    [Fact]
    public void Sparkline_ScalesPointsIntoTheBox_LowestAtTheBottom()
    {
        var cut = Render<Sparkline>(parameters => parameters.Add(p => p.Label, "vCPUs").Add(p => p.Values, [0.0, 5, 10]));

        Assert.Equal("0,28 60,15 120,2", cut.Find("polyline").GetAttribute("points"));
        Assert.Equal("vCPUs, last hour: from 0 to 10", cut.Find("svg").GetAttribute("aria-label"));
    }

    [Fact]
    public void Sparkline_WithOnePoint_SaysItIsCollecting()
    {
        var cut = Render<Sparkline>(parameters => parameters.Add(p => p.Label, "RAM").Add(p => p.Values, [1.0]));

        Assert.Empty(cut.FindAll("svg"));
        Assert.Contains("Collecting", cut.Markup);
    }

    [Fact]
    public void Dashboard_ForAnAdmin_ListsFailedLoginsBySource_AndLockedUsers()
    {
        var at = new DateTimeOffset(2026, 12, 7, 23, 5, 9, TimeSpan.Zero);
        Logins.View = new LoginActivityView(
            [new FailedLoginSource("192.0.2.7", 10, 250, "admin", at), new FailedLoginSource("::1", 1, 0, "alice", at.AddMinutes(-3))],
            [new LockedUser("u-1", "admin", at.AddMinutes(15))]);
        var cut = Render<DashboardPage>();

        var rows = cut.FindAll("[data-test=failed-logins] tbody tr");
        Assert.Equal(["192.0.2.7", "10", "250", "admin", "2026-12-07 23:05:09"], rows[0].Children.Select(c => c.TextContent));
        Assert.Equal("::1", rows[1].GetAttribute("data-source"));
        Assert.Equal("admin until 23:20 UTC", cut.Find("[data-test=locked-users] li").TextContent);
    }

    [Fact]
    public void Dashboard_WithoutFailedLogins_SaysSo_AndForAMemberShowsNoCard()
    {
        var cut = Render<DashboardPage>();
        Assert.Equal("No failed logins since the appliance started.", cut.Find("[data-test=no-failed-logins]").TextContent);
        Assert.Equal("None.", cut.Find("[data-test=no-locked-users]").TextContent);

        Logins.View = null;
        var member = Render<DashboardPage>();
        Assert.Empty(member.FindAll("#logins-title"));
    }
}
