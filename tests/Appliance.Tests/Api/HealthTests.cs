using System.Net;
using System.Text.Json.Nodes;
using Appliance.Tests.Hosting;

namespace Appliance.Tests.Api;

public sealed class HealthTests
{
    [Fact]
    public async Task Healthz_WithDatabaseAndLibvirt_Returns200()
    {
        using var factory = new ApplianceFactory();

        var response = await factory.CreateClient().GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("healthy", (string?)body["status"]);
        Assert.Equal("healthy", (string?)body["checks"]!["database"]!["status"]);
        Assert.Equal("healthy", (string?)body["checks"]!["hypervisor"]!["status"]);
        Assert.StartsWith("TEST ", (string?)body["checks"]!["hypervisor"]!["detail"]);
    }

    [Fact]
    public async Task Healthz_WhenLibvirtCannotConnect_Returns503_WithoutHostDetails_AndLogsWithTheRequestId()
    {
        using var factory = new ApplianceFactory(libvirtUri: "test:///nonexistent/appliance-test.xml");

        var response = await factory.CreateClient().GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        var body = JsonNode.Parse(text)!;
        Assert.Equal("unhealthy", (string?)body["status"]);
        Assert.Equal("healthy", (string?)body["checks"]!["database"]!["status"]);
        Assert.Equal("hypervisor connection does not answer", (string?)body["checks"]!["hypervisor"]!["detail"]);
        Assert.DoesNotContain("/nonexistent", text);

        var requestId = response.Headers.GetValues("X-OpenStack-Request-ID").Single();
        var warning = Assert.Single(factory.Logs.Entries, entry => entry.Message == "Hypervisor health check failed");
        Assert.Equal(requestId, warning.RequestId);
    }
}
