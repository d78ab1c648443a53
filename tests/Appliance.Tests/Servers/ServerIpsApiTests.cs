using System.Net;
using System.Text.Json;
using Appliance.Tests.Hosting;

namespace Appliance.Tests.Servers;

/// <summary>/servers/{id}/ips: the server's fixed address on the default network, all networks or one by name.</summary>
public sealed class ServerIpsApiTests(SubresourceFixture fixture) : IClassFixture<SubresourceFixture>
{
    [Fact]
    public async Task Ips_ShowTheAddressOnPrivate_AndAnUnknownLabelIs404()
    {
        var id = await fixture.ActiveServerAsync("ips");
        var (_, shown) = await fixture.Send(HttpMethod.Get, $"/v2.1/servers/{id}/ips");
        var address = JsonDocument.Parse(shown).RootElement.GetProperty("addresses").GetProperty("private")[0].GetProperty("addr").GetString()!;
        Assert.Matches(@"^10\.\d+\.\d+\.\d+$", address);

        foreach (var version in new[] { "v2.1", "v2", "v1.1" })
        {
            var (status, body) = await fixture.Send(HttpMethod.Get, $"/{version}/servers/{id}/ips");
            Assert.Equal(HttpStatusCode.OK, status);
            JsonAssert.Equal($$$"""{"addresses": {"private": [{"version": 4, "addr": "{{{address}}}"}]}}""", body);

            (status, body) = await fixture.Send(HttpMethod.Get, $"/{version}/servers/{id}/ips/private");
            Assert.Equal(HttpStatusCode.OK, status);
            JsonAssert.Equal($$$"""{"private": [{"version": 4, "addr": "{{{address}}}"}]}""", body);

            (status, body) = await fixture.Send(HttpMethod.Get, $"/{version}/servers/{id}/ips/public");
            Assert.Equal(HttpStatusCode.NotFound, status);
            JsonAssert.Equal(SubresourceFixture.Fault("itemNotFound", 404, "Instance is not a member of specified network"), body);
        }

        // A reader of the project may look.
        JsonAssert.Equal($$$"""{"addresses": {"private": [{"version": 4, "addr": "{{{address}}}"}]}}""",
            (await fixture.Send(HttpMethod.Get, $"/v2.1/servers/{id}/ips", token: fixture.ReaderToken)).Body);
    }

    [Fact]
    public async Task AnotherProjectsServer_Is404()
    {
        var id = await fixture.ActiveServerAsync("ips-other");
        var notFound = SubresourceFixture.Fault("itemNotFound", 404, $"Instance {id} could not be found.");
        JsonAssert.Equal(notFound, (await fixture.Send(HttpMethod.Get, $"/v2.1/servers/{id}/ips", token: fixture.OutsiderToken)).Body);
        JsonAssert.Equal(notFound, (await fixture.Send(HttpMethod.Get, $"/v2.1/servers/{id}/ips/private", token: fixture.OutsiderToken)).Body);
    }
}
