using System.Net;
using System.Text.Json;
using Appliance.Core.Networks;
using Appliance.Tests.Hosting;
using Appliance.Tests.Servers;
using Microsoft.Extensions.DependencyInjection;

namespace Appliance.Tests.Networks;

/// <summary>os-interface on the test driver: a server's port as Nova shows it, a second NIC attached and detached, Nova's faults.</summary>
public sealed class ServerInterfacesApiTests(SubresourceFixture fixture) : IClassFixture<SubresourceFixture>
{
    private NetworkRepository Networks => fixture.Session.Factory.Services.GetRequiredService<NetworkRepository>();

    private static string Fault(string name, int code, string message) => SubresourceFixture.Fault(name, code, message);

    [Fact]
    public async Task TheServersPort_IsListedAndShown_AsAnInterfaceAttachment()
    {
        var id = await fixture.ActiveServerAsync("if-list");
        var port = Assert.Single(await Networks.PortsOfDeviceAsync(id));
        var network = (await Networks.NetworksAsync()).Single(n => n.Name == "private");
        var expected = $$$"""
            {"port_state": "ACTIVE", "fixed_ips": [{"subnet_id": "{{{port.FixedIps[0].SubnetId}}}", "ip_address": "{{{port.FixedIps[0].IpAddress}}}"}],
             "port_id": "{{{port.Id}}}", "net_id": "{{{network.Id}}}", "mac_addr": "{{{port.MacAddress}}}"}
            """;

        var (status, body) = await fixture.Send(HttpMethod.Get, $"/v2.1/servers/{id}/os-interface");
        Assert.Equal(HttpStatusCode.OK, status);
        JsonAssert.Equal($$$"""{"interfaceAttachments": [{{{expected}}}]}""", body);

        (status, body) = await fixture.Send(HttpMethod.Get, $"/v2.1/servers/{id}/os-interface/{port.Id}");
        Assert.Equal(HttpStatusCode.OK, status);
        JsonAssert.Equal($$$"""{"interfaceAttachment": {{{expected}}}}""", body);

        var other = Guid.NewGuid();
        (status, body) = await fixture.Send(HttpMethod.Get, $"/v2.1/servers/{id}/os-interface/{other}");
        Assert.Equal(HttpStatusCode.NotFound, status);
        JsonAssert.Equal(Fault("itemNotFound", 404, $"Port id {other} could not be found."), body);

        // Another project sees no such server.
        (status, body) = await fixture.Send(HttpMethod.Get, $"/v2.1/servers/{id}/os-interface", token: fixture.OutsiderToken);
        Assert.Equal(HttpStatusCode.NotFound, status);
        JsonAssert.Equal(Fault("itemNotFound", 404, $"Instance {id} could not be found."), body);
    }

    [Fact]
    public async Task ASecondNic_IsAttachedWithItsAddress_AndDetachedFreesIt()
    {
        var id = await fixture.ActiveServerAsync("if-attach");
        var network = (await Networks.NetworksAsync()).Single(n => n.Name == "private");
        var subnet = (await Networks.SubnetsAsync(network.Id)).Single();
        var wanted = Ipv4Cidr.Format(subnet.Range.FirstHost + 120);

        var (status, body) = await fixture.Send(HttpMethod.Post, $"/v2.1/servers/{id}/os-interface",
            $$$"""{"interfaceAttachment": {"net_id": "{{{network.Id}}}", "fixed_ips": [{"ip_address": "{{{wanted}}}"}]}}""");
        Assert.Equal(HttpStatusCode.OK, status);
        var attached = JsonDocument.Parse(body).RootElement.GetProperty("interfaceAttachment");
        Assert.Equal(wanted, attached.GetProperty("fixed_ips")[0].GetProperty("ip_address").GetString());
        var portId = attached.GetProperty("port_id").GetString()!;

        var (_, shown) = await fixture.Send(HttpMethod.Get, $"/v2.1/servers/{id}");
        Assert.Equal(2, JsonDocument.Parse(shown).RootElement.GetProperty("server").GetProperty("addresses").GetProperty("private").GetArrayLength());

        // The address is the port's now: a second attach asking for it is Nova's 409.
        (status, body) = await fixture.Send(HttpMethod.Post, $"/v2.1/servers/{id}/os-interface",
            $$$"""{"interfaceAttachment": {"net_id": "{{{network.Id}}}", "fixed_ips": [{"ip_address": "{{{wanted}}}"}]}}""");
        Assert.Equal(HttpStatusCode.Conflict, status);
        JsonAssert.Equal(Fault("conflictingRequest", 409, $"Fixed IP address {wanted} is already in use."), body);

        (status, _) = await fixture.Send(HttpMethod.Delete, $"/v2.1/servers/{id}/os-interface/{portId}");
        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Null(await Networks.FindPortAsync(portId));
        Assert.False(await Networks.AddressInUseAsync(wanted));
        Assert.Single(await Networks.PortsOfDeviceAsync(id));
    }

    [Fact]
    public async Task BadAttachBodies_GetNovasFaults()
    {
        var id = await fixture.ActiveServerAsync("if-bad");
        var network = (await Networks.NetworksAsync()).Single(n => n.Name == "private");
        var port = Guid.NewGuid();

        var (status, body) = await fixture.Send(HttpMethod.Post, $"/v2.1/servers/{id}/os-interface",
            $$$"""{"interfaceAttachment": {"net_id": "{{{network.Id}}}", "port_id": "{{{port}}}"}}""");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        JsonAssert.Equal(Fault("badRequest", 400, "Must not input both network_id and port_id"), body);

        (status, body) = await fixture.Send(HttpMethod.Post, $"/v2.1/servers/{id}/os-interface",
            """{"interfaceAttachment": {"fixed_ips": [{"ip_address": "10.1.2.3"}]}}""");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        JsonAssert.Equal(Fault("badRequest", 400, "Must input network_id when request IP address"), body);

        (status, body) = await fixture.Send(HttpMethod.Post, $"/v2.1/servers/{id}/os-interface",
            $$$"""{"interfaceAttachment": {"port_id": "{{{port}}}"}}""");
        Assert.Equal(HttpStatusCode.NotFound, status);
        JsonAssert.Equal(Fault("itemNotFound", 404, $"Port id {port} could not be found."), body);

        (status, body) = await fixture.Send(HttpMethod.Delete, $"/v2.1/servers/{id}/os-interface/{port}");
        Assert.Equal(HttpStatusCode.NotFound, status);
        JsonAssert.Equal(Fault("itemNotFound", 404, $"Port id {port} could not be found."), body);

        // A reader may look but not attach.
        (status, body) = await fixture.Send(HttpMethod.Post, $"/v2.1/servers/{id}/os-interface", """{"interfaceAttachment": {}}""", token: fixture.ReaderToken);
        Assert.Equal(HttpStatusCode.Forbidden, status);
        JsonAssert.Equal(Fault("forbidden", 403, "Policy doesn't allow os_compute_api:os-attach-interfaces:create to be performed."), body);
    }
}
