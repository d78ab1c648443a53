using System.Diagnostics;
using System.Text.RegularExpressions;
using Appliance.Benchmarks;
using Appliance.Tests.Hosting;
using Appliance.Tests.Hypervisor;
using Appliance.Tests.Identity;
using Xunit.Abstractions;

namespace Appliance.Tests.EndToEnd;

/// <summary>
/// Debian's `openstack server reboot/stop/start/pause/unpause/suspend/resume/image create/lock/unlock` on one booted test
/// guest on real QEMU, in sequence: each checked by the server's status, libvirt's domain state and what the guest wrote
/// on its console (boots, ACPI power-offs, and a counter the guest's user_data prints every second).
/// </summary>
[Trait("Tier", "e2e")]
[Collection(LibvirtCollection.Name)]
public sealed partial class ServerActionsCliTests(ITestOutputHelper output)
{
    private const string Booted = ConsoleWaiter.BootMarker;
    private const string AcpiPoweroff = "guest: acpi poweroff";

    /// <summary>user_data runs at every boot: a counter on the console shows whether the guest runs, stands or started over.</summary>
    private const string TickingUserData = "#!/bin/sh\n(i=0; while true; do i=$((i+1)); echo \"tick $i\"; sleep 1; done) &\n";

    private readonly Stopwatch _step = new();
    private readonly Stopwatch _total = new();

    [SkippableFact]
    public async Task OpenStackCli_EachServerAction_OnTheBootedTestGuest_ShowsInStatusDomainAndConsole()
    {
        await using var e2e = await QemuEndToEnd.ServeAsync();
        var ids = new List<string>();
        try
        {
            await WalkThroughActionsAsync(e2e, ids);
        }
        finally
        {
            await RemoveLeftoverDomainsAsync(ids);
        }
    }

    private async Task WalkThroughActionsAsync(QemuAppliance e2e, List<string> ids)
    {
        _total.Start();
        var openrc = e2e.OpenRc;
        var cli = e2e.Cli;
        using var probe = await e2e.ProbeAsync();

        await e2e.UploadTestGuestAsync();
        var userData = Path.Combine(e2e.WorkDir, "ticks.sh");
        await File.WriteAllTextAsync(userData, TickingUserData);
        Step();
        var created = await cli.JsonAsync("--os-compute-api-version", "2.37", "server", "create", "--image", "test-guest", "--flavor", "m1.nano",
            "--user-data", userData, "--nic", "none", "--wait", "vm1");
        var id = created.GetProperty("id").GetString()!;
        ids.Add(id);
        var console = await probe.WaitForConsoleAsync(id, text => Ready(text, boots: 1) && LastTick(text) >= 1, "first boot");
        Done("create --wait, to the ready marker");

        // Soft: the guest's acpid powers it off, the appliance starts it again.
        await cli.OkAsync("server", "reboot", "--wait", "vm1");
        await probe.WaitForStatusAsync(id, "ACTIVE");
        console = await probe.WaitForConsoleAsync(id, text => Ready(text, boots: 2), "second boot");
        Assert.Equal(1, ConsoleWaiter.Count(console, AcpiPoweroff));
        Done("reboot --wait (soft), to the ready marker");

        // Hard: a new boot with no ACPI power-off before it.
        await cli.OkAsync("server", "reboot", "--hard", "--wait", "vm1");
        await probe.WaitForStatusAsync(id, "ACTIVE");
        console = await probe.WaitForConsoleAsync(id, text => Ready(text, boots: 3) && LastTick(text) >= 1, "third boot");
        Assert.Equal(1, ConsoleWaiter.Count(console, AcpiPoweroff));
        Done("reboot --hard --wait, to the ready marker");

        // Pause: the domain stands, and so does the counter; unpause: it goes on from where it stood.
        await cli.OkAsync("server", "pause", "vm1");
        Assert.Equal(3, (await probe.WaitForStatusAsync(id, "PAUSED")).GetProperty("OS-EXT-STS:power_state").GetInt32());
        Assert.Equal("paused", await DomainStateAsync(id));
        // The console is read once what the guest wrote before it stood has reached the log; from then on a paused guest
        // writes nothing for any length of time, so the 3 s below only give a running one (a tick a second) time to show.
        var paused = await probe.WaitForSteadyConsoleAsync(id);
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Equal(paused, await probe.ConsoleAsync(id));
        Done("pause, and 3 s of a still console");
        await cli.OkAsync("server", "unpause", "vm1");
        await probe.WaitForStatusAsync(id, "ACTIVE");
        Assert.Equal("running", await DomainStateAsync(id));
        console = await probe.WaitForConsoleAsync(id, text => LastTick(text) > LastTick(paused), "tick after unpause");
        Assert.Equal(3, ConsoleWaiter.Count(console, Booted));
        Done("unpause, to the next tick");

        // Suspend: memory saved to disk and QEMU gone; resume: the same boot counts on.
        await cli.OkAsync("server", "suspend", "vm1");
        await probe.WaitForStatusAsync(id, "SUSPENDED");
        Assert.Equal("shut off", await DomainStateAsync(id));
        Assert.Matches(@"Managed save:\s+yes", await QemuEndToEnd.VirshAsync("dominfo", DomainName(id)));
        var suspended = LastTick(await probe.ConsoleAsync(id));
        Done("suspend");
        await cli.OkAsync("server", "resume", "vm1");
        await probe.WaitForStatusAsync(id, "ACTIVE");
        console = await probe.WaitForConsoleAsync(id, text => LastTick(text) >= suspended + 2, "ticks after resume");
        Assert.Equal(3, ConsoleWaiter.Count(console, Booted));
        AssertCountedOnWithoutRestart(console);
        Done("resume, to the next ticks");

        // createImage of the running guest; a server booted from the snapshot reaches the ready marker.
        var image = await cli.JsonAsync("server", "image", "create", "--name", "vm1-snapshot", "--wait", "vm1");
        Assert.Equal("active", image.GetProperty("status").GetString());
        Assert.Contains("snapshot", image.GetProperty("properties").ToString());
        await probe.WaitForStatusAsync(id, "ACTIVE");
        // The guest was saved for the copy and restored: still the third boot, counting on.
        var ticks = LastTick(await probe.ConsoleAsync(id));
        AssertCountedOnWithoutRestart(await probe.WaitForConsoleAsync(id, text => LastTick(text) > ticks, "ticks after the snapshot"));
        Done("server image create --wait");
        var fromSnapshot = await cli.JsonAsync("--os-compute-api-version", "2.37", "server", "create", "--image", "vm1-snapshot",
            "--flavor", "m1.nano", "--nic", "none", "vm2");
        var snapshotServer = fromSnapshot.GetProperty("id").GetString()!;
        ids.Add(snapshotServer);

        // Lock: a member of the project gets 409 for an action until the admin unlocks.
        var projectMember = await AddProjectMemberAsync(e2e.Appliance, openrc, (await probe.ServerAsync(id)).GetProperty("tenant_id").GetString()!);
        var member = new OpenStackCli(new Dictionary<string, string>(openrc) { ["OS_USERNAME"] = projectMember.UserName, ["OS_PASSWORD"] = projectMember.Password });
        await cli.OkAsync("server", "lock", "vm1");
        Assert.True((await probe.ServerAsync(id)).GetProperty("locked").GetBoolean());
        var (exitCode, _, stderr) = await member.RunAsync("server", "reboot", "--hard", "vm1");
        Assert.True(exitCode != 0 && stderr.Contains($"Instance {id} is locked (HTTP 409)", StringComparison.Ordinal), $"exit {exitCode}: {stderr}");
        await cli.OkAsync("server", "unlock", "vm1");
        Assert.False((await probe.ServerAsync(id)).GetProperty("locked").GetBoolean());
        Done("lock, a member's 409, unlock");

        // Stop (by the member, now that the lock is gone): a clean ACPI power-off; start: a fourth boot.
        await member.OkAsync("server", "stop", "vm1");
        Assert.Equal(4, (await probe.WaitForStatusAsync(id, "SHUTOFF")).GetProperty("OS-EXT-STS:power_state").GetInt32());
        Assert.Equal("shut off", await DomainStateAsync(id));
        Assert.Equal(2, ConsoleWaiter.Count(await probe.ConsoleAsync(id), AcpiPoweroff));
        Done("stop (member)");
        await cli.OkAsync("server", "start", "vm1");
        await probe.WaitForStatusAsync(id, "ACTIVE");
        await probe.WaitForConsoleAsync(id, text => Ready(text, boots: 4), "fourth boot");
        Done("start, to the ready marker");

        await probe.WaitForStatusAsync(snapshotServer, "ACTIVE");
        var snapshotConsole = await probe.WaitForConsoleAsync(snapshotServer, text => Ready(text, boots: 1), "boot from the snapshot");
        Assert.Contains("guest: hostname vm2", snapshotConsole);
        Done("vm2 from the snapshot, to the ready marker");

        await cli.OkAsync("server", "delete", "--wait", "vm1", "vm2");
        Assert.DoesNotContain(id, await QemuEndToEnd.VirshAsync("list", "--all", "--uuid"));
        Done("delete --wait both");
        output.WriteLine($"all actions: {_total.Elapsed.TotalSeconds:F1} s");
    }

    /// <summary>A user with the member role in the server's project (through the API: the CLI's start-up is the slow part here).</summary>
    private static async Task<IdentityClient.Member> AddProjectMemberAsync(ApplianceProcess appliance, IReadOnlyDictionary<string, string> openrc, string projectId)
    {
        using var client = new HttpClient { BaseAddress = new Uri(appliance.BaseUrl) };
        var adminToken = await IdentityClient.LoginAsync(client, openrc["OS_USERNAME"], openrc["OS_PASSWORD"], openrc["OS_PROJECT_NAME"]);
        return await IdentityClient.AddUserAsync(client, adminToken, projectId, "member-user");
    }

    private static bool Ready(string console, int boots) =>
        ConsoleWaiter.Count(console, Booted) == boots && ConsoleWaiter.Count(console, TestGuest.ReadyMarker) == boots;

    private static int LastTick(string console) => Ticks(console).LastOrDefault();

    /// <summary>The counter's values in whole lines (the last line may still be being written).</summary>
    private static IEnumerable<int> Ticks(string console) =>
        TickPattern().Matches(console[..(console.LastIndexOf('\n') + 1)]).Select(m => int.Parse(m.Groups[1].Value));

    /// <summary>Since the last boot the counter went 1, 2, 3, ... with no restart and no gap: the guest's memory lived on.</summary>
    private static void AssertCountedOnWithoutRestart(string console)
    {
        var ticks = Ticks(console[console.LastIndexOf(Booted, StringComparison.Ordinal)..]).ToList();
        Assert.Equal(Enumerable.Range(1, ticks.Count), ticks);
    }

    [GeneratedRegex(@"^tick (\d+)\r?$", RegexOptions.Multiline)]
    private static partial Regex TickPattern();

    private void Step() => _step.Restart();

    private void Done(string what)
    {
        output.WriteLine($"{what,-48} {_step.Elapsed.TotalSeconds,5:F1} s");
        _step.Restart();
    }

    private static string DomainName(string id) => $"instance-{id}";

    private static async Task<string> DomainStateAsync(string id) => (await QemuEndToEnd.VirshAsync("domstate", DomainName(id))).Trim();

    /// <summary>A failed run must not leave guests running on the host: the appliance that owned them is gone.</summary>
    private static async Task RemoveLeftoverDomainsAsync(IEnumerable<string> ids)
    {
        var existing = await QemuEndToEnd.VirshAsync("list", "--all", "--uuid");
        foreach (var id in ids.Where(existing.Contains))
        {
            try
            {
                await QemuEndToEnd.VirshAsync("destroy", DomainName(id));
            }
            catch (Xunit.Sdk.XunitException)
            {
                // Already shut off.
            }

            await QemuEndToEnd.VirshAsync("undefine", "--managed-save", DomainName(id));
        }
    }
}
