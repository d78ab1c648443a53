using System.Diagnostics;
using System.Text.Json;
using Appliance.Benchmarks;
using Appliance.Core.Networks;
using Appliance.Tests.Hosting;
using Appliance.Tests.Identity;

namespace Appliance.Tests.EndToEnd;

/// <summary>
/// Real clients against the appliance process on the test driver: openstacksdk's create_server(network=NAME, wait=True,
/// auto_ip=False) on a network made by the CLI, and Debian's openstack CLI setting and showing network quotas, which it
/// reads from both Nova and Neutron.
/// </summary>
[Trait("Tier", "e2e")]
public sealed class NetworkQuotaClientsTests
{
    private const string CreateServerScript = """
        import json, openstack
        conn = openstack.connect()
        server = conn.create_server("sdk-lab-vm", image="disk1", flavor="m1.nano", network="lab", wait=True, auto_ip=False, timeout=180)
        print(json.dumps({"id": server.id, "status": server.status, "addresses": server.addresses, "private_v4": server.private_v4,
                          "ports": [[ip["ip_address"] for ip in p.fixed_ips] for p in conn.network.ports(device_id=server.id)]}))
        """;

    [Fact]
    public async Task OpenStackSdk_CreateServerOnANamedNetwork_ComesUpActiveWithItsAddressThere()
    {
        OpenStackCli.AssertInstalled();
        using var dir = new TempDataDir();
        var dataDir = Path.Combine(dir.Path, "data");
        await using var appliance = await ApplianceProcess.ServeAsync(dataDir);
        var openRc = IdentityClient.ReadOpenRc(dataDir);
        var cli = new OpenStackCli(openRc);
        await UploadImageAsync(cli, dir.Path);
        await cli.JsonAsync("network", "create", "lab");
        var range = new[] { "198.18.7.0/24", "198.19.7.0/24", "203.0.113.0/24" }.First(cidr => !HostRoutes.Read().Any(route => route.Overlaps(Ipv4Cidr.Parse(cidr))));
        await cli.JsonAsync("subnet", "create", "--network", "lab", "--subnet-range", range, "lab-v4");

        var sdk = new OpenStackCli(openRc) { Program = "/usr/bin/python3" };
        var result = JsonDocument.Parse(await sdk.OkAsync("-c", CreateServerScript)).RootElement;
        Assert.Equal("ACTIVE", result.GetProperty("status").GetString());
        var addresses = result.GetProperty("addresses");
        Assert.Equal(["lab"], addresses.EnumerateObject().Select(network => network.Name));
        var address = addresses.GetProperty("lab").EnumerateArray().Single();
        Assert.Equal("fixed", address.GetProperty("OS-EXT-IPS:type").GetString());
        var ip = address.GetProperty("addr").GetString()!;
        Assert.True(Ipv4Cidr.TryParseAddress(ip, out var value) && Ipv4Cidr.Parse(range).HoldsHost(value), ip);
        Assert.Equal(ip, result.GetProperty("private_v4").GetString());
        Assert.Equal([[ip]], result.GetProperty("ports").Deserialize<string[][]>());
    }

    [Fact]
    public async Task OpenStackCli_QuotaSetNetworksAndPorts_ShowsThemNextToNovasLimits_AndEnforcesThem()
    {
        OpenStackCli.AssertInstalled();
        using var dir = new TempDataDir();
        var dataDir = Path.Combine(dir.Path, "data");
        await using var appliance = await ApplianceProcess.ServeAsync(dataDir);
        var openRc = IdentityClient.ReadOpenRc(dataDir);
        var cli = new OpenStackCli(openRc);
        var project = openRc["OS_PROJECT_NAME"];

        await cli.OkAsync("quota", "set", "--networks", "2", "--ports", "20", "--subnets", "7", project);
        var shown = await cli.JsonAsync("quota", "show", project);
        var rows = Rows(shown);
        Assert.Equal(("2", "20", "7", "10", "20"), (rows["networks"], rows["ports"], rows["subnets"], rows["instances"], rows["cores"]));

        // The limit holds for the CLI too: networks up to 2 of the project's own, then Neutron's 409.
        for (var held = (await cli.JsonAsync("network", "list", "--project", project)).GetArrayLength(); held < 2; held++)
        {
            await cli.JsonAsync("network", "create", $"net-{held}");
        }

        var (exitCode, _, stderr) = await cli.RunAsync(["network", "create", "too-many"]);
        Assert.NotEqual(0, exitCode);
        Assert.Contains("Quota exceeded for resources: ['network']", stderr);
    }

    /// <summary>quota show's rows as resource to value, whichever of its two JSON shapes this CLI prints.</summary>
    private static Dictionary<string, string> Rows(JsonElement shown) =>
        shown.ValueKind == JsonValueKind.Array
            ? shown.EnumerateArray().ToDictionary(row => row.GetProperty("Resource").GetString()!, row => row.GetProperty("Limit").ToString())
            : shown.EnumerateObject().ToDictionary(pair => pair.Name, pair => pair.Value.ToString());

    private static async Task UploadImageAsync(OpenStackCli cli, string dir)
    {
        var file = Path.Combine(dir, "disk.qcow2");
        using (var qemuImg = Process.Start(new ProcessStartInfo("qemu-img", ["create", "-f", "qcow2", file, "64M"]) { RedirectStandardOutput = true })!)
        {
            await qemuImg.WaitForExitAsync();
            Assert.Equal(0, qemuImg.ExitCode);
        }

        await cli.OkAsync("image", "create", "--file", file, "--disk-format", "qcow2", "--container-format", "bare", "disk1");
    }
}
