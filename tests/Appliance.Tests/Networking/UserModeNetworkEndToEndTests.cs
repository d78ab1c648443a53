using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Appliance.Hypervisor.Disks;
using Appliance.Tests.EndToEnd;
using Appliance.Tests.Hosting;
using Appliance.Tests.Hypervisor;
using Appliance.Tests.Identity;
using Xunit.Abstractions;

namespace Appliance.Tests.Networking;

/// <summary>
/// A user-mode network end to end, inside a namespace of the test's own (so the guest's user-mode traffic reaches nothing
/// outside it): `appliance network create-user` forwarding guest ports 22 and 80, a test guest whose user_data serves a
/// banner on 22 and a page on 80, and the forwards on the namespace's 127.0.0.1 answering with them.
/// </summary>
[Trait("Tier", "e2e")]
[Collection(LibvirtCollection.Name)]
public sealed class UserModeNetworkEndToEndTests(NetworkNamespaceFixture shared, ITestOutputHelper output) : IClassFixture<NetworkNamespaceFixture>
{
    private static readonly TimeSpan AnswerWithin = TimeSpan.FromSeconds(60);

    [SkippableFact]
    public async Task AGuestOnAUserNetwork_GetsItsAddressByDhcp_AndItsForwardedPortsAnswerOnLoopback()
    {
        var ns = shared.Require();
        OpenStackCli.AssertInstalled();
        Skip.IfNot(File.Exists("/usr/bin/curl"), "the test asks the forwarded web port with curl (apt-get install curl)");
        var (guest, why) = await TestGuest.BuildWithDiskAsync();
        Skip.If(guest is null, why);
        var token = Guid.NewGuid().ToString("N")[..8];
        var work = HypervisorPaths.EnsureDirectory(Path.Combine(ns.Root, $"user-{token}"));
        var dataDir = HypervisorPaths.EnsureDirectory(Path.Combine(work, "data"));

        await using var appliance = await ns.ServeApplianceAsync(dataDir);
        var (exit, stdout, stderr) = await ns.Launcher().RunAsync("network", "create-user", "sandbox", "--forward-port", "22", "--forward-port", "80",
            "--data-dir", dataDir);
        Assert.True(exit == 0, stderr);
        var networkId = stdout.Split('(', ')')[1];
        output.WriteLine(stdout.Trim());

        var openRc = IdentityClient.ReadOpenRc(dataDir);
        var cli = new OpenStackCli(openRc) { Through = ns.Enter };
        var imageId = (await cli.JsonAsync("image", "create", "--file", guest!.Disk, "--disk-format", "qcow2", "--container-format", "bare", "user-guest"))
            .GetProperty("id").GetString()!;
        var flavorId = (await cli.JsonAsync("flavor", "show", "m1.nano")).GetProperty("id").GetString()!;

        // A banner on 22 (one connection after another) and a page on 80, both naming this run.
        var userData = $"""
            #!/bin/sh
            mkdir -p /www && echo "page {token}" > /www/index.html && httpd -p 80 -h /www
            (while true; do echo "SSH-2.0-usermode {token}" | nc -l -p 22; done) > /dev/null 2>&1 &
            """.ReplaceLineEndings("\n");
        using var client = appliance.CreateClient();
        var authToken = await IdentityClient.LoginAsync(client, openRc["OS_USERNAME"], openRc["OS_PASSWORD"], openRc["OS_PROJECT_NAME"]);
        using var create = new HttpRequestMessage(HttpMethod.Post, "/v2.1/servers")
        {
            Content = new StringContent(JsonSerializer.Serialize(new
            {
                server = new
                {
                    name = "sandboxed",
                    imageRef = imageId,
                    flavorRef = flavorId,
                    networks = new[] { new { uuid = networkId } },
                    user_data = Convert.ToBase64String(Encoding.UTF8.GetBytes(userData)),
                },
            }), Encoding.UTF8, "application/json"),
        };
        create.Headers.Add("X-Auth-Token", authToken);
        create.Headers.Add("OpenStack-API-Version", "compute 2.37");
        var watch = Stopwatch.StartNew();
        using var created = await client.SendAsync(create);
        var body = await created.Content.ReadAsStringAsync();
        Assert.True(created.StatusCode == HttpStatusCode.Accepted, body);
        var id = JsonDocument.Parse(body).RootElement.GetProperty("server").GetProperty("id").GetString()!;

        using var probe = await ComputeProbe.ConnectAsync(appliance.CreateClient(), openRc);
        var server = await probe.WaitForStatusAsync(id, "ACTIVE");
        output.WriteLine($"create -> ACTIVE in {watch.Elapsed.TotalSeconds:F1} s");
        var address = server.GetProperty("addresses").GetProperty("sandbox").EnumerateArray().Single();
        Assert.Equal("10.0.2.15", address.GetProperty("addr").GetString());
        var forwards = address.GetProperty("appliance:port_forwards").EnumerateArray()
            .ToDictionary(f => f.GetProperty("guest_port").GetInt32(), f => (Ip: f.GetProperty("host_ip").GetString(), Port: f.GetProperty("host_port").GetInt32()));
        Assert.Equal([22, 80], forwards.Keys.Order());
        Assert.All(forwards.Values, f => Assert.Equal("127.0.0.1", f.Ip));
        Assert.NotEqual(forwards[22].Port, forwards[80].Port);
        output.WriteLine($"forwards: 22 <- 127.0.0.1:{forwards[22].Port}, 80 <- 127.0.0.1:{forwards[80].Port}");

        var console = await probe.WaitForConsoleAsync(id, text => text.Contains(TestGuest.ReadyMarker, StringComparison.Ordinal), "the guest ready");
        output.WriteLine(console);
        Assert.Contains("guest: ip eth0 10.0.2.15/24", console);

        // From inside the namespace: the forwards listen on its loopback.
        var page = await AnswerAsync(ns, $"page {token}", "/usr/bin/curl", "-sS", "--max-time", "5", $"http://127.0.0.1:{forwards[80].Port}/");
        Assert.Contains($"page {token}", page);
        var banner = await AnswerAsync(ns, $"SSH-2.0-usermode {token}", "/bin/sh", "-c", $"/bin/busybox nc -w 3 127.0.0.1 {forwards[22].Port} < /dev/null");
        Assert.Contains($"SSH-2.0-usermode {token}", banner);
        output.WriteLine($"create -> forwarded port answering in {watch.Elapsed.TotalSeconds:F1} s");

        await cli.OkAsync("server", "delete", "--wait", id);
        (exit, stdout, _) = await ns.Launcher().RunAsync("network", "list", "--data-dir", dataDir);
        Assert.Equal(0, exit);
        Assert.Contains("sandbox", stdout);
        Assert.Contains("0/240", stdout);
        // The forward went with the server: nothing listens on its host port any more.
        var after = await ns.RunAsync("/bin/sh", "-c", $"/bin/busybox nc -w 3 127.0.0.1 {forwards[22].Port} < /dev/null");
        Assert.DoesNotContain(token, after.Stdout);
    }

    /// <summary>Runs the command inside until its output has the text: the guest's services start after it says it is ready.</summary>
    private static async Task<string> AnswerAsync(NetworkNamespace ns, string expected, params string[] command)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var result = await ns.RunAsync(command);
            if (result.Stdout.Contains(expected, StringComparison.Ordinal))
            {
                return result.Stdout;
            }

            if (watch.Elapsed > AnswerWithin)
            {
                throw new TimeoutException($"{string.Join(' ', command)} did not answer '{expected}' within {AnswerWithin}: exit {result.ExitCode}, {result.Stdout} {result.Stderr}");
            }

            await Task.Delay(250);
        }
    }
}
