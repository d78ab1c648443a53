using Appliance.Web.Ui.Backend;
using Appliance.Web.Ui.Components.Pages;
using Appliance.Web.Ui.Components.Parts;
using Bunit;
using Microsoft.AspNetCore.Components.Web;

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

    /// <summary>What the core allows in each status, as ServerCatalog works it out from the vm_state.</summary>
    private static IReadOnlySet<ServerAction> AllowedIn(string status) => status switch
    {
        "ACTIVE" => new HashSet<ServerAction> { ServerAction.Stop, ServerAction.Reboot, ServerAction.HardReboot, ServerAction.Snapshot, ServerAction.Delete },
        "SHUTOFF" => new HashSet<ServerAction> { ServerAction.Start, ServerAction.HardReboot, ServerAction.Snapshot, ServerAction.Delete },
        "ERROR" => new HashSet<ServerAction> { ServerAction.Stop, ServerAction.HardReboot, ServerAction.Delete },
        _ => new HashSet<ServerAction> { ServerAction.Delete }, // building, or any task running
    };

    private static ServerDetails Details(string status, bool finished, string? task = null, IReadOnlyList<AddressRow>? addresses = null) => new(
        FakeServerCatalog.Row("s1", "web-1", status, status == "BUILD" ? "spawning" : task), 1, 256, "mykey", true, false, null, addresses ?? [],
        [new DiskRow("/dev/vda", "root, copy-on-write over the image", "1 GB"), new DiskRow("", "config drive (ISO 9660)", "")],
        new Dictionary<string, string> { ["role"] = "web" },
        [new ActionTimeline("create", "req-1", T0, finished ? T0.AddSeconds(8.5) : null, null,
            finished ? [new PhaseRow("base_image", T0, T0.AddMilliseconds(120), "Success", null), new PhaseRow("spawn", T0.AddMilliseconds(120), T0.AddSeconds(8.4), "Success", null)] : [])],
        task is null ? AllowedIn(status) : AllowedIn("BUILD"));

    private IRenderedComponent<ServerDetailPage> RenderDetail(string status = "ACTIVE", string? task = null)
    {
        Catalog.Details["s1"] = Details(status, finished: true, task);
        return Render<ServerDetailPage>(parameters => parameters.Add(p => p.Id, "s1"));
    }

    private static AngleSharp.Dom.IElement Button(IRenderedComponent<ServerDetailPage> cut, string name) =>
        cut.FindAll(".actions[role=group] button").Single(b => b.TextContent == name);

    private static string[] Enabled(IRenderedComponent<ServerDetailPage> cut) =>
        cut.FindAll(".actions[role=group] button").Where(b => !b.HasAttribute("disabled")).Select(b => b.TextContent).ToArray();

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
    public void Detail_WithoutAPort_SaysItHasNoNetwork()
    {
        var cut = RenderDetail("ACTIVE");

        Assert.Equal("none (no network)", cut.Find("[data-test=addresses]").TextContent.Trim());
        Assert.Empty(cut.FindAll("[data-test=address]"));
    }

    [Fact]
    public void Detail_ShowsEachFixedAddress_WithItsNetworkAndMac_InNicOrder()
    {
        Catalog.Details["s1"] = Details("ACTIVE", finished: true, addresses:
            [new AddressRow("private", "10.42.7.2", "fa:16:3e:00:00:01"), new AddressRow("lan", "192.168.1.20", "fa:16:3e:00:00:02")]);
        var cut = Render<ServerDetailPage>(parameters => parameters.Add(p => p.Id, "s1"));

        Assert.Equal(["private: 10.42.7.2 (fa:16:3e:00:00:01)", "lan: 192.168.1.20 (fa:16:3e:00:00:02)"],
            cut.FindAll("[data-test=address]").Select(li => li.TextContent));
        Assert.Equal("Addresses", cut.Find("[data-test=addresses]").PreviousElementSibling!.TextContent);
        Assert.DoesNotContain("no network", cut.Find("[data-test=addresses]").TextContent);
    }

    [Fact]
    public void Detail_AddressGivenWhileBuilding_ArrivesLive()
    {
        Catalog.Details["s1"] = Details("BUILD", finished: true);
        var cut = Render<ServerDetailPage>(parameters => parameters.Add(p => p.Id, "s1"));
        Assert.Contains("no network", cut.Find("[data-test=addresses]").TextContent);

        Catalog.Details["s1"] = Details("ACTIVE", finished: true, addresses: [new AddressRow("private", "10.42.7.2", "fa:16:3e:00:00:01")]);
        Feed.Raise("s1");

        cut.WaitForAssertion(() => Assert.Equal("private: 10.42.7.2 (fa:16:3e:00:00:01)", cut.Find("[data-test=address]").TextContent));
    }

    [Fact]
    public void Detail_ShowsAUserNetworksForwards_UnderItsAddress()
    {
        Catalog.Details["s1"] = Details("ACTIVE", finished: true, addresses:
            [new AddressRow("sandbox", "10.0.2.15", "fa:16:3e:00:00:03") { Forwards = ["127.0.0.1:20000 → 22/tcp"] }]);

        var cut = Render<ServerDetailPage>(parameters => parameters.Add(p => p.Id, "s1"));

        Assert.Equal("forwarded: 127.0.0.1:20000 → 22/tcp", cut.Find("[data-test=forward]").TextContent);
    }

    [Theory]
    [InlineData("ACTIVE", null, new[] { "Stop", "Reboot", "Snapshot", "Delete" })]
    [InlineData("SHUTOFF", null, new[] { "Start", "Reboot", "Snapshot", "Delete" })]
    [InlineData("ERROR", null, new[] { "Stop", "Reboot", "Delete" })]
    [InlineData("BUILD", null, new[] { "Delete" })]
    [InlineData("ACTIVE", "powering-off", new[] { "Delete" })]
    public void Detail_EnablesOnlyTheButtonsTheServersStateAllows(string status, string? task, string[] enabled)
    {
        var cut = RenderDetail(status, task);

        Assert.Equal(enabled, Enabled(cut));
        Assert.Contains(task ?? (status == "BUILD" ? "spawning" : "state allows"), cut.Find("[data-test=actions-hint]").TextContent);
    }

    [Fact]
    public void Detail_Start_CallsTheServiceAtOnce_AndAnnouncesIt()
    {
        var cut = RenderDetail("SHUTOFF");

        Button(cut, "Start").Click();

        Assert.Equal([("s1", ServerAction.Start)], Catalog.PowerCalls);
        Assert.Empty(cut.FindAll("[role=dialog]"));
        Assert.Equal("Start requested for web-1.", cut.Find("[data-test=announcement]").TextContent);
    }

    [Fact]
    public void Detail_Stop_AsksInAModalDialog_AndOnlyStopsOnConfirmation()
    {
        var cut = RenderDetail("ACTIVE");

        Button(cut, "Stop").Click();
        var dialog = cut.Find("[role=dialog]");
        Assert.Equal("true", dialog.GetAttribute("aria-modal"));
        Assert.Equal("Stop the server?", cut.Find($"#{dialog.GetAttribute("aria-labelledby")}").TextContent);
        Assert.Contains("powered off", cut.Find($"#{dialog.GetAttribute("aria-describedby")}").TextContent);
        Assert.Empty(Catalog.PowerCalls);
        Assert.Empty(Enabled(cut)); // the row waits behind the dialog

        cut.FindAll("[role=dialog] button").Single(b => b.TextContent == "Cancel").Click();
        Assert.Empty(cut.FindAll("[role=dialog]"));
        Assert.Empty(Catalog.PowerCalls);

        Button(cut, "Stop").Click();
        cut.FindAll("[role=dialog] button").Single(b => b.TextContent == "Yes, stop").Click();
        Assert.Equal([("s1", ServerAction.Stop)], Catalog.PowerCalls);
        Assert.Empty(cut.FindAll("[role=dialog]"));
    }

    [Fact]
    public void Detail_Delete_AsksFirst_AndOnlyDeletesOnConfirmation()
    {
        var cut = RenderDetail("ACTIVE");

        Button(cut, "Delete").Click();
        Assert.Empty(Catalog.Deleted);
        Assert.Contains("cannot be undone", cut.Find("[role=dialog]").TextContent);

        cut.FindAll("[role=dialog] button").Single(b => b.TextContent == "Cancel").Click();
        Assert.Empty(cut.FindAll("[role=dialog]"));
        Assert.Empty(Catalog.Deleted);

        Button(cut, "Delete").Click();
        cut.Find("[data-test=confirm-delete]").Click();
        Assert.Equal(["s1"], Catalog.Deleted);
    }

    [Fact]
    public void Detail_Dialog_EscapeCancels_AndFocusMovesInThenBack()
    {
        var cut = RenderDetail("ACTIVE");

        Button(cut, "Delete").Click();
        cut.Find("[role=dialog]").KeyDown(new KeyboardEventArgs { Key = "Escape" });

        Assert.Empty(cut.FindAll("[role=dialog]"));
        Assert.Empty(Catalog.Deleted);
        // Focus went to the dialog's Cancel when it opened, and back to Delete when it closed.
        var focused = JSInterop.Invocations.Where(i => i.Identifier == "Blazor._internal.domWrapper.focus").ToList();
        Assert.Equal(2, focused.Count);
    }

    [Theory]
    [InlineData("ACTIVE", "Yes, reboot", ServerAction.Reboot)]
    [InlineData("ACTIVE", "Hard reboot", ServerAction.HardReboot)]
    [InlineData("SHUTOFF", "Hard reboot", ServerAction.HardReboot)]
    public void Detail_Reboot_OffersTheKindsTheStateAllows(string status, string choice, ServerAction expected)
    {
        var cut = RenderDetail(status);

        Button(cut, "Reboot").Click();
        var softAllowed = !cut.FindAll("[role=dialog] button").Single(b => b.TextContent == "Yes, reboot").HasAttribute("disabled");
        Assert.Equal(status == "ACTIVE", softAllowed);
        cut.FindAll("[role=dialog] button").Single(b => b.TextContent == choice).Click();

        Assert.Equal([("s1", expected)], Catalog.PowerCalls);
    }

    [Fact]
    public void Detail_Snapshot_AsksForAName_ThenShowsTheNewImageUntilItIsActive()
    {
        var cut = RenderDetail("ACTIVE");

        Button(cut, "Snapshot").Click();
        var name = cut.Find("[role=dialog] #snapshot-name");
        Assert.Equal("web-1-snapshot", name.GetAttribute("value"));
        Assert.NotNull(cut.Find("label[for=snapshot-name]"));
        Assert.Equal("snapshot-form", cut.FindAll("[role=dialog] button").Single(b => b.TextContent == "Create snapshot").GetAttribute("form"));
        name.Change("before-upgrade");
        Shelf.Images.Add(new ImageRow("snap-1", "before-upgrade", "saving", "qcow2", null, "private", UiSessions.MemberProject, DateTimeOffset.UtcNow));
        cut.Find("#snapshot-form").Submit();

        Assert.Equal([("s1", "before-upgrade")], Catalog.Snapshots);
        Assert.Empty(cut.FindAll("[role=dialog]"));
        Assert.Contains("before-upgrade", cut.Find("[data-test=snapshot]").TextContent);
        Assert.Equal("saving", cut.Find("[data-test=snapshot] .badge").TextContent);

        // The snapshot finishes: the image is active, and the server's change (its task cleared) shows it.
        Shelf.Images[^1] = Shelf.Images[^1] with { Status = "active", Size = 1 << 20 };
        Feed.Raise("s1");

        cut.WaitForAssertion(() => Assert.Equal("active", cut.Find("[data-test=snapshot] .badge").TextContent));
        Assert.Contains("ready to boot", cut.Find("[data-test=snapshot]").TextContent);
    }

    [Theory]
    [InlineData("Start", "SHUTOFF", null)]
    [InlineData("Stop", "ACTIVE", "Yes, stop")]
    [InlineData("Reboot", "ACTIVE", "Yes, reboot")]
    [InlineData("Delete", "ACTIVE", "Yes, delete")]
    public void Detail_CoreRefusal_IsShownAsAnAlert(string button, string status, string? confirm)
    {
        const string Refusal = "Cannot 'stop' instance s1 while it is in vm_state stopped";
        Catalog.ActionFailure = new UiException(Refusal);
        var cut = RenderDetail(status);

        Button(cut, button).Click();
        if (confirm is not null)
        {
            cut.FindAll("[role=dialog] button").Single(b => b.TextContent == confirm).Click();
        }

        Assert.Equal(Refusal, cut.Find("[role=alert]").TextContent);
        Assert.Empty(cut.FindAll("[role=dialog]"));
        Assert.NotEmpty(Enabled(cut)); // the user may try again, or another action
    }

    [Fact]
    public void Detail_SnapshotRefused_ShowsTheLockMessage_AndNoImage()
    {
        Catalog.ActionFailure = new UiException("Instance s1 is locked");
        var cut = RenderDetail("ACTIVE");

        Button(cut, "Snapshot").Click();
        cut.Find("#snapshot-form").Submit();

        Assert.Equal("Instance s1 is locked", cut.Find("[role=alert]").TextContent);
        Assert.Empty(cut.FindAll("[data-test=snapshot]"));
    }

    [Fact]
    public void Detail_UnexpectedFailure_ShowsAGenericMessage_NotTheInternals()
    {
        Catalog.ActionFailure = new InvalidOperationException("/var/lib/appliance/instances/s1: disk on fire");
        var cut = RenderDetail("SHUTOFF");

        Button(cut, "Start").Click();

        Assert.Equal(Appliance.Web.Ui.Components.UiErrors.Unexpected, cut.Find("[role=alert]").TextContent);
    }

    [Fact]
    public void Detail_StatusChangeAfterAnAction_ArrivesLive_AndMovesTheButtons()
    {
        var cut = RenderDetail("ACTIVE");
        Button(cut, "Stop").Click();
        cut.FindAll("[role=dialog] button").Single(b => b.TextContent == "Yes, stop").Click();

        Catalog.Details["s1"] = Details("SHUTOFF", finished: true);
        Feed.Raise("s1");

        cut.WaitForAssertion(() => Assert.Equal("SHUTOFF", cut.Find("h1 .badge").TextContent));
        Assert.Equal(["Start", "Reboot", "Snapshot", "Delete"], Enabled(cut));
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

        cut.WaitForAssertion(() => Assert.Equal("guest: ready\nlogin:\n", cut.Find("[data-test=console]").TextContent));
    }
}
