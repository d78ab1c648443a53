using System.Net;
using Appliance.Tests.Hosting;

namespace Appliance.Tests.Servers;

/// <summary>/servers/{id}/ips: no networks on the appliance yet, so no addresses and no label.</summary>
public sealed class ServerIpsApiTests(SubresourceFixture fixture) : IClassFixture<SubresourceFixture>
{
    [Fact]
    public async Task Ips_AreEmpty_AndAnyLabelIs404()
    {
        var id = await fixture.ActiveServerAsync("ips");
        foreach (var version in new[] { "v2.1", "v2", "v1.1" })
        {
            var (status, body) = await fixture.Send(HttpMethod.Get, $"/{version}/servers/{id}/ips");
            Assert.Equal(HttpStatusCode.OK, status);
            JsonAssert.Equal("""{"addresses": {}}""", body);

            (status, body) = await fixture.Send(HttpMethod.Get, $"/{version}/servers/{id}/ips/private");
            Assert.Equal(HttpStatusCode.NotFound, status);
            JsonAssert.Equal(SubresourceFixture.Fault("itemNotFound", 404, "Instance is not a member of specified network"), body);
        }

        // A reader of the project may look.
        JsonAssert.Equal("""{"addresses": {}}""", (await fixture.Send(HttpMethod.Get, $"/v2.1/servers/{id}/ips", token: fixture.ReaderToken)).Body);
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
