using Appliance.Web.Ui.Backend;
using Appliance.Web.Ui.Components.Pages;
using Appliance.Web.Ui.Components.Parts;
using Bunit;

namespace Appliance.Tests.Ui;

public sealed class ServerDetailTests : UiComponentTest
{
    private static readonly DateTimeOffset T0 = new(2025, 1, 2, 3, 4, 5, TimeSpan.Zero);

    public ServerDetailTests()
    {
        UseSession(UiSessions.Member());
        Catalog.Details["s1"] = Details("BUILD", finished: false);
        Catalog.Console = "guest: ready\n";
    }

    private static ServerDetails Details(string status, bool finished) => new(
        FakeServerCatalog.Row("s1", "web-1", status, status == "BUILD" ? "spawning" : null), 1, 256, "mykey", true, null, [],
        [new DiskRow("/dev/vda", "root, copy-on-write over the image", "1 GB"), new DiskRow("", "config drive (ISO 9660)", "")],
        new Dictionary<string, string> { ["role"] = "web" },
        [new ActionTimeline("create", "req-1", T0, finished ? T0.AddSeconds(8.5) : null, null,
            finished ? [new PhaseRow("base_image", T0, T0.AddMilliseconds(120), "Success", null), new PhaseRow("spawn", T0.AddMilliseconds(120), T0.AddSeconds(8.4), "Success", null)] : [])]);

    [Fact]
    public void Detail_ShowsFactsDisksMetadataTimelineAndConsole()
    {
        Catalog.Details["s1"] = Details("ACTIVE", finished: true);
        var cut = Render<ServerDetailPage>(parameters => parameters.Add(p => p.Id, "s1"));

        Assert.Contains("web-1", cut.Find("h1").TextContent);
        Assert.Equal("ACTIVE", cut.Find("h1 .badge").TextContent);
        Assert.Equal(2, cut.FindAll("[data-test=disks] li").Count);
        Assert.Equal("role", cut.Find("[data-test=metadata] dt").TextContent);
        Assert.Equal(["base_image 120 ms", "spawn 8.3 s"], cut.FindAll("[data-test=phase]").Select(li => string.Join(' ', li.QuerySelectorAll(".phase-name, .phase-time").Select(e => e.TextContent))));
        Assert.Contains("8.5 s", cut.Find("[data-test=timeline] > li").TextContent);
        Assert.Equal("guest: ready\n", cut.Find("[data-test=console]").TextContent);
    }

    [Fact]
    public void Detail_ActionsTheCoreLacks_AreDisabledWithATooltip()
    {
        var cut = Render<ServerDetailPage>(parameters => parameters.Add(p => p.Id, "s1"));

        foreach (var name in new[] { "Start", "Stop", "Reboot", "Snapshot" })
        {
            var button = cut.FindAll(".actions button").Single(b => b.TextContent == name);
            Assert.True(button.HasAttribute("disabled"));
            Assert.Equal("not available yet", button.GetAttribute("title"));
        }
    }

    [Fact]
    public void Detail_Delete_AsksFirst_AndOnlyDeletesOnConfirmation()
    {
        var cut = Render<ServerDetailPage>(parameters => parameters.Add(p => p.Id, "s1"));

        cut.FindAll(".actions button").Single(b => b.TextContent == "Delete").Click();
        Assert.Empty(Catalog.Deleted);
        Assert.Contains("cannot be undone", cut.Find("[role=alertdialog]").TextContent);

        cut.FindAll("[role=alertdialog] button").Single(b => b.TextContent == "Cancel").Click();
        Assert.Empty(cut.FindAll("[role=alertdialog]"));
        Assert.Empty(Catalog.Deleted);

        cut.FindAll(".actions button").Single(b => b.TextContent == "Delete").Click();
        cut.Find("[data-test=confirm-delete]").Click();
        Assert.Equal(["s1"], Catalog.Deleted);
    }

    [Fact]
    public void Detail_ChangeOfThisServer_ReloadsIt_OthersDoNot()
    {
        Catalog.Details["s1"] = Details("BUILD", finished: true); // no open action: only the feed may cause a reload
        var cut = Render<ServerDetailPage>(parameters => parameters.Add(p => p.Id, "s1"));
        var reads = Catalog.DetailReads;

        Feed.Raise("another-server");
        Catalog.Details["s1"] = Details("ACTIVE", finished: true);
        Feed.Raise("s1");

        cut.WaitForAssertion(() => Assert.Equal("ACTIVE", cut.Find("h1 .badge").TextContent));
        Assert.Equal(reads + 1, Catalog.DetailReads);
    }

    [Fact]
    public void Detail_UnknownServer_SaysSo()
    {
        var cut = Render<ServerDetailPage>(parameters => parameters.Add(p => p.Id, "nope"));

        Assert.Contains("does not exist", cut.Find("[data-test=gone]").TextContent);
    }

    [Fact]
    public void Timeline_FormatsDurations()
    {
        Assert.Equal("120 ms", StatusTimeline.Format(TimeSpan.FromMilliseconds(120.4)));
        Assert.Equal("8.3 s", StatusTimeline.Format(TimeSpan.FromMilliseconds(8280)));
    }

    [Fact]
    public void Console_UpdatesOnItsOwn()
    {
        var cut = Render<ConsoleTail>(parameters => parameters.Add(p => p.ServerId, "s1"));
        Assert.Equal("guest: ready\n", cut.Find("[data-test=console]").TextContent);

        Catalog.Console = "guest: ready\nlogin:\n";

        cut.WaitForAssertion(() => Assert.Equal("guest: ready\nlogin:\n", cut.Find("[data-test=console]").TextContent), TimeSpan.FromSeconds(10));
    }
}
