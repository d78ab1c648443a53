using System.Net;
using System.Text.Json;
using Appliance.Hypervisor.Driver;
using Microsoft.Extensions.DependencyInjection;

namespace Appliance.Tests.Servers;

/// <summary>Create -> ACTIVE -> delete on test:///default, through the API and the real driver.</summary>
public sealed class ServerLifecycleTests : IAsyncLifetime
{
    private readonly ServerApiSession _session = new();

    public Task InitializeAsync() => _session.InitializeAsync();

    public Task DisposeAsync() => _session.DisposeAsync();

    [Fact]
    public async Task Create_BuildsToActive_AndDeleteRemovesGuestAndFiles()
    {
        var id = await _session.CreateServerAsync("web-1");
        var server = await _session.WaitForStatusAsync(id, ["ACTIVE", "ERROR"]);
        Assert.True(server.GetProperty("status").GetString() == "ACTIVE", server.ToString());
        Assert.Equal(1, server.GetProperty("OS-EXT-STS:power_state").GetInt32());
        var driver = _session.Factory.Services.GetRequiredService<IComputeDriver>();
        Assert.Contains(driver.ListGuests(), g => g.Uuid == Guid.Parse(id));
        var instanceDir = Path.Combine(_session.Factory.DataDir, "instances", id);
        Assert.True(Directory.Exists(instanceDir));

        var (status, body, _) = await _session.Send(HttpMethod.Delete, $"/v2.1/servers/{id}");
        Assert.Equal(HttpStatusCode.NoContent, status);
        Assert.Equal("", body);
        await _session.Runner.WhenIdleAsync();

        Assert.Equal(HttpStatusCode.NotFound, (await _session.Send(HttpMethod.Get, $"/v2.1/servers/{id}")).Status);
        Assert.DoesNotContain(driver.ListGuests(), g => g.Uuid == Guid.Parse(id));
        Assert.False(Directory.Exists(instanceDir));
    }

    [Fact]
    public async Task GuestStoppedBehindTheApplianceBack_ShowsShutoff()
    {
        var id = await _session.CreateServerAsync("stops-itself");
        await _session.WaitForStatusAsync(id, ["ACTIVE"]);
        var driver = _session.Factory.Services.GetRequiredService<IComputeDriver>();

        await driver.PowerOffAsync(Guid.Parse(id));

        var server = await _session.WaitForStatusAsync(id, ["SHUTOFF"]);
        Assert.Equal(("stopped", 4), (server.GetProperty("OS-EXT-STS:vm_state").GetString(), server.GetProperty("OS-EXT-STS:power_state").GetInt32()));
    }
}
