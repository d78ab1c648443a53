using System.Diagnostics;
using System.Text.Json;
using Appliance.Benchmarks;
using Appliance.Core.Networks;
using Appliance.Tests.Hosting;
using Appliance.Tests.Identity;

namespace Appliance.Tests.EndToEnd;

/// <summary>
/// Real clients that find networks through the catalog's network service, against the appliance process on the test
/// driver (networks in memory, nothing on the host): openstacksdk's create_server(wait=True), which deletes a server that
/// comes up without an address or asks Nova for a floating IP when it finds no network service, and the openstack
/// CLI's --network NAME and port list --server, which look names up at /v2.0.
/// </summary>
[Trait("Tier", "e2e")]
public sealed class NetworkClientsTests
{
    private const string CreateServerScript = """
        import json, sys, openstack
        conn = openstack.connect()
        server = conn.create_server("sdk-vm", image="disk1", flavor="m1.nano", wait=True, timeout=180)
        again = conn.compute.get_server(server.id)
        print(json.dumps({"id": server.id, "status": server.status, "private_v4": server.private_v4, "public_v4": server.public_v4,
                          "addresses": server.addresses, "still_there": again.status,
                          "networks": [n.name for n in conn.network.networks()]}))
        """;

    [Fact]
    public async Task OpenStackSdk_CreateServerWait_ReturnsTheServerWithItsAddress_AndKeepsIt()
    {
        OpenStackCli.AssertInstalled();
        using var dir = new TempDataDir();
        var dataDir = Path.Combine(dir.Path, "data");
        await using var appliance = await ApplianceProcess.ServeAsync(dataDir);
        var openRc = IdentityClient.ReadOpenRc(dataDir);
        var cli = new OpenStackCli(openRc);
        await UploadImageAsync(cli, dir.Path);

        var sdk = new OpenStackCli(openRc) { Program = "/usr/bin/python3" };
        var result = JsonDocument.Parse(await sdk.OkAsync("-c", CreateServerScript)).RootElement;
        Assert.Equal("ACTIVE", result.GetProperty("status").GetString());
        Assert.Equal("ACTIVE", result.GetProperty("still_there").GetString());
        var address = result.GetProperty("addresses").GetProperty("private")[0];
        Assert.Equal("fixed", address.GetProperty("OS-EXT-IPS:type").GetString());
        Assert.Equal(address.GetProperty("addr").GetString(), result.GetProperty("private_v4").GetString());
        Assert.Equal(["private"], result.GetProperty("networks").EnumerateArray().Select(n => n.GetString()));

        // And the API agrees: one server, not deleted, with that address.
        var servers = await cli.JsonAsync("server", "list");
        var row = Assert.Single(servers.EnumerateArray());
        Assert.Equal(result.GetProperty("id").GetString(), row.GetProperty("ID").GetString());
    }

    [Fact]
    public async Task OpenStackCli_NetworkByName_AndPortListByServer()
    {
        OpenStackCli.AssertInstalled();
        using var dir = new TempDataDir();
        var dataDir = Path.Combine(dir.Path, "data");
        await using var appliance = await ApplianceProcess.ServeAsync(dataDir);
        var cli = new OpenStackCli(IdentityClient.ReadOpenRc(dataDir));
        await UploadImageAsync(cli, dir.Path);

        var network = await cli.JsonAsync("network", "show", "private");
        var subnetId = network.GetProperty("subnets").EnumerateArray().Single().GetString()!;
        var subnet = await cli.JsonAsync("subnet", "show", subnetId);

        var server = await cli.JsonAsync("server", "create", "--image", "disk1", "--flavor", "m1.nano", "--network", "private", "--wait", "cli-vm");
        var serverId = server.GetProperty("id").GetString()!;
        var ports = await cli.JsonAsync("port", "list", "--server", serverId);
        var port = Assert.Single(ports.EnumerateArray());
        var fixedIp = port.GetProperty("Fixed IP Addresses").EnumerateArray().Single();
        Assert.Equal(subnetId, fixedIp.GetProperty("subnet_id").GetString());
        var shown = await cli.JsonAsync("server", "show", serverId);
        Assert.Equal(new Dictionary<string, string[]> { ["private"] = [fixedIp.GetProperty("ip_address").GetString()!] },
            shown.GetProperty("addresses").Deserialize<Dictionary<string, string[]>>());
        Assert.Equal("ACTIVE", port.GetProperty("Status").GetString());
        Assert.StartsWith(subnet.GetProperty("cidr").GetString()!.Split('.')[0] + ".", fixedIp.GetProperty("ip_address").GetString());

        // A network of the project's own, made with the CLI, carries a server booted on a port made with the CLI.
        var lab = await cli.JsonAsync("network", "create", "lab");
        Assert.Equal(("lab", false), (lab.GetProperty("name").GetString(), lab.GetProperty("shared").GetBoolean()));
        var range = new[] { "198.18.7.0/24", "198.19.7.0/24", "203.0.113.0/24" }
            .First(cidr => !HostRoutes.Read().Any(route => route.Overlaps(Ipv4Cidr.Parse(cidr))));
        var labSubnet = await cli.JsonAsync("subnet", "create", "--network", "lab", "--subnet-range", range, "lab-v4");
        Assert.Equal(range, labSubnet.GetProperty("cidr").GetString());
        var wanted = range.Replace(".0/24", ".10", StringComparison.Ordinal);
        var labPort = await cli.JsonAsync("port", "create", "--network", "lab", "--fixed-ip", $"ip-address={wanted}", "p1");
        var onPort = await cli.JsonAsync("server", "create", "--image", "disk1", "--flavor", "m1.nano", "--port", "p1", "--wait", "lab-vm");
        Assert.Equal(new Dictionary<string, string[]> { ["lab"] = [wanted] }, onPort.GetProperty("addresses").Deserialize<Dictionary<string, string[]>>());
        await cli.OkAsync("server", "delete", "--wait", "lab-vm");
        await cli.OkAsync("port", "delete", labPort.GetProperty("id").GetString()!);
        await cli.OkAsync("network", "delete", "lab");
        Assert.DoesNotContain("lab", (await cli.JsonAsync("network", "list")).EnumerateArray().Select(n => n.GetProperty("Name").GetString()));
    }

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
