using System.Net;
using System.Text.Json;
using Appliance.Core.Store;
using Appliance.Hypervisor.Driver;
using Appliance.Tests.Hosting;
using Appliance.Tests.Identity;
using Dapper;
using Microsoft.Extensions.DependencyInjection;

namespace Appliance.Tests.Servers;

/// <summary>Builds that fail go ERROR with a fault and no host path; a restart settles what a crash left half-done.</summary>
public sealed class ServerFailureAndRestartTests
{
    [Fact]
    public async Task AdminPassFailingThePolicy_PutsTheServerInError_WithAFaultSayingWhy()
    {
        var session = new ServerApiSession { Configure = options => options.Servers.AdminPassword.RequireDigit = true };
        await session.InitializeAsync();
        try
        {
            var id = await session.CreateServerAsync("weak", """, "adminPass": "nodigitshere" """);
            var server = await session.WaitForStatusAsync(id, ["ERROR", "ACTIVE"], token: session.MemberToken);

            Assert.Equal("ERROR", server.GetProperty("status").GetString());
            var fault = server.GetProperty("fault");
            Assert.Equal(500, fault.GetProperty("code").GetInt32());
            Assert.Equal("The admin password does not meet the password policy: it needs a digit.", fault.GetProperty("message").GetString());
            Assert.DoesNotContain("nodigitshere", server.GetRawText());
            var driver = session.Factory.Services.GetRequiredService<IComputeDriver>();
            Assert.DoesNotContain(driver.ListGuests(), g => g.Uuid == Guid.Parse(id));
        }
        finally
        {
            await session.DisposeAsync();
        }
    }

    [Fact]
    public async Task ImageFileGoneBehindTheStore_ErrorFaultSaysSo_WithoutHostPaths()
    {
        var session = new ServerApiSession();
        await session.InitializeAsync();
        try
        {
            File.Delete(Path.Combine(session.Factory.DataDir, "images", session.ImageId));
            var id = await session.CreateServerAsync("broken");
            var asMember = await session.WaitForStatusAsync(id, ["ERROR", "ACTIVE"], token: session.MemberToken);
            var asAdmin = await session.WaitForStatusAsync(id, ["ERROR"]);

            Assert.Equal($"Image {session.ImageId} has no data in the image store.", asMember.GetProperty("fault").GetProperty("message").GetString());
            Assert.False(asMember.GetProperty("fault").TryGetProperty("details", out _));
            Assert.DoesNotContain(session.Factory.DataDir, asAdmin.GetRawText());
            Assert.DoesNotContain("/tmp", asAdmin.GetRawText());
            Assert.False(Directory.Exists(Path.Combine(session.Factory.DataDir, "instances", id)));
        }
        finally
        {
            await session.DisposeAsync();
        }
    }

    [Fact]
    public async Task Restart_FailsInterruptedBuilds_FinishesInterruptedDeletes_AndRemovesOrphanDirs()
    {
        using var dataDir = new TempDataDir();
        string building, deleting, orphan = Guid.NewGuid().ToString();
        using (var first = new ApplianceFactory(dataDir.Path))
        {
            var client = first.CreateClient();
            var admin = await IdentityClient.AdminTokenAsync(client, dataDir.Path);
            var session = new ServerApiSessionOver(first, client, admin);
            var image = await session.ImageAsync();
            building = await session.CreateAsync(image, "was-building");
            deleting = await session.CreateAsync(image, "was-deleting");
            await first.Services.GetRequiredService<Appliance.Core.Servers.ServerTaskRunner>().WhenIdleAsync();

            // What a kill -9 in mid-operation leaves: rows still building or deleting, and a dir nobody owns.
            await using var connection = await first.Services.GetRequiredService<Database>().OpenAsync();
            await connection.ExecuteAsync("UPDATE servers SET vm_state = 'building', task_state = 'spawning' WHERE uuid = @building", new { building });
            await connection.ExecuteAsync("UPDATE servers SET task_state = 'deleting' WHERE uuid = @deleting", new { deleting });
            Directory.CreateDirectory(Path.Combine(dataDir.Path, "instances", orphan));
        }

        using var second = new ApplianceFactory(dataDir.Path);
        var client2 = second.CreateClient();
        var token = await IdentityClient.AdminTokenAsync(client2, dataDir.Path);
        var shown = await new ServerApiSessionOver(second, client2, token).ShowAsync(building);
        Assert.Equal("ERROR", shown.GetProperty("status").GetString());
        Assert.Equal($"Build of instance {building} was interrupted by a restart of the appliance.", shown.GetProperty("fault").GetProperty("message").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await client2.SendAsync(IdentityClient.WithToken(HttpMethod.Get, $"/v2.1/servers/{deleting}", token))).StatusCode);
        Assert.False(Directory.Exists(Path.Combine(dataDir.Path, "instances", orphan)));
        Assert.False(Directory.Exists(Path.Combine(dataDir.Path, "instances", deleting)));
        Assert.Contains(second.Logs.Entries, e => e.Message.Contains($"Reconcile: server {building} was being built", StringComparison.Ordinal));
    }

    /// <summary>The few calls the restart test makes against a factory it manages itself.</summary>
    private sealed class ServerApiSessionOver(ApplianceFactory factory, HttpClient client, string token)
    {
        public async Task<string> ImageAsync()
        {
            var created = await IdentityClient.SendJsonAsync(client, IdentityClient.WithToken(HttpMethod.Post, "/image/v2/images", token,
                """{"name": "tiny", "disk_format": "qcow2", "container_format": "bare"}"""), HttpStatusCode.Created);
            var id = created.GetProperty("id").GetString()!;
            var upload = IdentityClient.WithToken(HttpMethod.Put, $"/image/v2/images/{id}/file", token);
            upload.Content = Images.ImageApiSession.Bytes(Images.ImageApiSession.Qcow2("64M"));
            Assert.Equal(HttpStatusCode.NoContent, (await client.SendAsync(upload)).StatusCode);
            return id;
        }

        public async Task<string> CreateAsync(string image, string name)
        {
            var body = await IdentityClient.SendJsonAsync(client, IdentityClient.WithToken(HttpMethod.Post, "/v2.1/servers", token,
                $$$"""{"server": {"name": "{{{name}}}", "imageRef": "{{{image}}}", "flavorRef": "42"}}"""), HttpStatusCode.Accepted);
            return body.GetProperty("server").GetProperty("id").GetString()!;
        }

        public async Task<JsonElement> ShowAsync(string id) =>
            (await IdentityClient.SendJsonAsync(client, IdentityClient.WithToken(HttpMethod.Get, $"/v2.1/servers/{id}", token), HttpStatusCode.OK)).GetProperty("server");

        public ApplianceFactory Factory => factory;
    }
}
