using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Appliance.Hypervisor.Disks;
using Appliance.Tests.EndToEnd;
using Appliance.Tests.Hosting;
using Appliance.Tests.Hypervisor;
using Appliance.Tests.Identity;
using Xunit.Abstractions;

namespace Appliance.Tests.Networking;

/// <summary>
/// Nova's os-fping with a real guest, inside a namespace of the test's own (the appliance runs there, so its pings never
/// leave it): a running test guest on `private` is alive once its address is up; stopped, it is not.
/// </summary>
[Trait("Tier", "e2e")]
[Collection(LibvirtCollection.Name)]
public sealed class FpingEndToEndTests(NetworkNamespaceFixture shared, ITestOutputHelper output) : IClassFixture<NetworkNamespaceFixture>
{
    /// <summary>os-fping's rate row allows 12 GETs a minute: one each 5 s stays inside it.</summary>
    private static readonly TimeSpan PollEvery = TimeSpan.FromSeconds(5);

    [SkippableFact]
    public async Task ARunningGuest_IsAlive_AndAStoppedOne_IsNot()
    {
        var ns = shared.Require();
        OpenStackCli.AssertInstalled();
        var (guest, why) = await TestGuest.BuildWithDiskAsync();
        Skip.If(guest is null, why);
        var work = HypervisorPaths.EnsureDirectory(Path.Combine(ns.Root, $"fping-{Guid.NewGuid():N}"));
        var dataDir = HypervisorPaths.EnsureDirectory(Path.Combine(work, "data"));
        await using var appliance = await ns.ServeApplianceAsync(dataDir);
        var openRc = IdentityClient.ReadOpenRc(dataDir);
        var cli = new OpenStackCli(openRc) { Through = ns.Enter };
        using var probe = await ComputeProbe.ConnectAsync(appliance.CreateClient(), openRc);
        await cli.OkAsync("image", "create", "--file", guest!.Disk, "--disk-format", "qcow2", "--container-format", "bare", QemuEndToEnd.ImageName);

        // The default group admits only its members: let pings in, as a user who wants fping (or ping) to answer does.
        await cli.OkAsync("security", "group", "rule", "create", "default", "--protocol", "icmp");
        var created = await cli.JsonAsync("--os-compute-api-version", "2.37", "server", "create", "--image", QemuEndToEnd.ImageName,
            "--flavor", "m1.nano", "--nic", "auto", "--wait", "ping-me");
        var id = created.GetProperty("id").GetString()!;
        var console = await probe.WaitForConsoleAsync(id, text => text.Contains("guest: ip eth0 ", StringComparison.Ordinal), "its address line");
        output.WriteLine(console);

        var watch = Stopwatch.StartNew();
        var alive = await FpingUntilAsync(probe, id, expected: true, TimeSpan.FromSeconds(90));
        output.WriteLine($"alive after {watch.Elapsed.TotalSeconds:F1} s: {alive}");
        var project = (await probe.ServerAsync(id)).GetProperty("tenant_id").GetString();
        var expected = JsonSerializer.Serialize(new { id, project_id = project, alive = true });
        JsonAssert.Equal(expected, alive.GetProperty("server").GetRawText());
        var (listStatus, list) = await probe.SendAsync(HttpMethod.Get, "/v2.1/os-fping", null);
        Assert.Equal(HttpStatusCode.OK, listStatus);
        JsonAssert.Equal(expected, JsonDocument.Parse(list).RootElement.GetProperty("servers").EnumerateArray().Single(s => s.GetProperty("id").GetString() == id).GetRawText());

        await cli.OkAsync("server", "stop", id);
        await probe.WaitForStatusAsync(id, "SHUTOFF");
        var stopped = await FpingUntilAsync(probe, id, expected: false, TimeSpan.FromSeconds(30));
        Assert.False(stopped.GetProperty("server").GetProperty("alive").GetBoolean());
        await cli.OkAsync("server", "delete", "--wait", id);
    }

    /// <summary>GET /os-fping/{id} until alive is <paramref name="expected"/> (a guest's first echo may come a moment after its address line).</summary>
    private static async Task<JsonElement> FpingUntilAsync(ComputeProbe probe, string id, bool expected, TimeSpan within)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var (status, body) = await probe.SendAsync(HttpMethod.Get, $"/v2.1/os-fping/{id}", null);
            Assert.True(status == HttpStatusCode.OK, $"{status} {body}");
            var answer = JsonDocument.Parse(body).RootElement.Clone();
            if (answer.GetProperty("server").GetProperty("alive").GetBoolean() == expected || watch.Elapsed > within)
            {
                return answer;
            }

            await Task.Delay(PollEvery);
        }
    }
}
