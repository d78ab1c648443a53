using System.Collections.Concurrent;
using System.Net;
using Appliance.Core.Servers;
using Appliance.Hypervisor.Host.Acceleration;
using Appliance.Tests.Identity;
using Appliance.Tests.Images;
using Appliance.Tests.Networks;
using Appliance.Tests.Servers;
using Appliance.Web.Observability;
using Appliance.Web.Ui.Backend;
using Appliance.Web.Ui.Session;
using Microsoft.Extensions.DependencyInjection;

namespace Appliance.Tests.Ui;

/// <summary>The status page's backends on the real core and store (test:///default), as a member and as admin.</summary>
public sealed class UiBackendTests(ServerApiSession session) : IClassFixture<ServerApiSession>
{
    private async Task<(IServiceScope Scope, UiSession Ui)> SignInAsync(string user, string password, string? project)
    {
        var scope = session.Factory.CreateUiScope();
        var token = await scope.ServiceProvider.GetRequiredService<UiSignIn>().AuthenticateAsync(user, password, project, "127.0.0.1");
        Assert.NotNull(token);
        var ui = scope.ServiceProvider.GetRequiredService<UiSession>();
        ui.SignIn(token);
        return (scope, ui);
    }

    private Task<(IServiceScope Scope, UiSession Ui)> MemberAsync(string? project = "servers-project") =>
        SignInAsync(session.Member.UserName, session.Member.Password, project);

    private Task<(IServiceScope Scope, UiSession Ui)> AdminAsync() =>
        SignInAsync("admin", IdentityClient.AdminPassword(session.Factory.DataDir), "admin");

    private static async Task<ServerRow> WaitForStatusAsync(IServerCatalog catalog, string id, string status)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var row = await catalog.FindAsync(id);
            if (row?.Status == status)
            {
                return row;
            }

            Assert.True(DateTime.UtcNow < deadline, $"server {id} is {row?.Status ?? "gone"}, not {status}");
            await Task.Delay(50);
        }
    }

    /// <summary>Until the catalog no longer finds the server: its delete has run to the end.</summary>
    private static async Task WaitForGoneAsync(IServerCatalog catalog, string id)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await catalog.FindAsync(id) is not null)
        {
            Assert.True(DateTime.UtcNow < deadline, $"server {id} was not deleted");
            await Task.Delay(50);
        }
    }

    /// <summary>
    /// Until the feed has told of the server at least <paramref name="atLeast"/> times. The feed is raised just after a write
    /// commits, so a reader can see a new state a moment before its notice: waiting for the state alone races the notice.
    /// </summary>
    private static async Task WaitForNoticesAsync(ConcurrentQueue<string> changes, string id, int atLeast, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (changes.Count(uuid => uuid == id) < atLeast)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{what}: {changes.Count(uuid => uuid == id)} notices, not {atLeast}");
            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task SignIn_WrongPasswordOrUnknownUser_GivesNoToken()
    {
        using var scope = session.Factory.CreateUiScope();
        var signIn = scope.ServiceProvider.GetRequiredService<UiSignIn>();

        Assert.Null(await signIn.AuthenticateAsync(session.Member.UserName, "wrong", null, "127.0.0.1"));
        Assert.Null(await signIn.AuthenticateAsync("nobody", "wrong", null, "127.0.0.1"));
        Assert.Null(await signIn.AuthenticateAsync(session.Member.UserName, session.Member.Password, "not-a-project", "127.0.0.1"));
    }

    [Fact]
    public async Task SignIn_WithoutAProject_UsesTheUsersOwn()
    {
        var (scope, ui) = await MemberAsync(project: null);
        using (scope)
        {
            Assert.Equal(session.Member.ProjectId, ui.Context!.ProjectId);
            Assert.False(ui.IsAdmin);
        }
    }

    [Fact]
    public async Task RevokedToken_EndsTheTabsSessionAtItsNextCall()
    {
        var (scope, ui) = await MemberAsync();
        using (scope)
        {
            var token = ui.Token!;
            await scope.ServiceProvider.GetRequiredService<UiSignIn>().RevokeAsync(token); // what signing out in another tab does
            var revoked = await session.Send(HttpMethod.Get, "/v2.1/servers", token: token);
            Assert.Equal(HttpStatusCode.Unauthorized, revoked.Status);

            // This tab still holds the revoked token.
            var error = await Assert.ThrowsAsync<UiException>(() => scope.ServiceProvider.GetRequiredService<IServerCatalog>().ListAsync());
            Assert.Equal(UiCaller.SessionEnded, error.Message);
            Assert.False(ui.SignedIn);
            Assert.Equal(UiCaller.SessionEnded, ui.Notice);
        }
    }

    [Fact]
    public async Task Catalog_CreateBuildsToActive_WithFeedNoticesTimelineAndDelete()
    {
        using var notices = new FeedNotices(session.Factory.Services.GetRequiredService<IServerChangeFeed>());
        var changes = notices.Changes;
        var (scope, _) = await MemberAsync();
        try
        {
            var catalog = scope.ServiceProvider.GetRequiredService<IServerCatalog>();
            var choices = await catalog.ChoicesAsync();
            Assert.Contains(choices.Images, image => image.Id == session.ImageId);
            Assert.Contains(choices.Flavors, flavor => flavor.Id == "42");

            var id = await catalog.CreateAsync(new ServerForm("ui-made", session.ImageId, "42", null, "#!/bin/sh\necho hi", true));
            Assert.Contains(id, changes);
            var row = await WaitForStatusAsync(catalog, id, "ACTIVE");
            Assert.Equal(("ui-made", session.Member.ProjectId), (row.Name, row.ProjectId));
            // The row read again carries the address its port on the default network got while it built; the list has the same.
            var address = Assert.Single(row.Addresses);
            await WaitForNoticesAsync(changes, id, 3, "create, task states and ACTIVE each notify");
            Assert.Equal([address], (await catalog.ListAsync()).Single(listed => listed.Id == id).Addresses);

            var details = (await catalog.DetailsAsync(id))!;
            var fixedAddress = Assert.Single(details.Addresses);
            Assert.Equal(("private", address), (fixedAddress.Network, fixedAddress.Address));
            Assert.Matches("^fa:16:3e(:[0-9a-f]{2}){3}$", fixedAddress.Mac);
            Assert.True(details.ConfigDrive);
            Assert.Contains(details.Disks, disk => disk.Kind.StartsWith("config drive", StringComparison.Ordinal));
            var create = Assert.Single(details.Actions);
            Assert.Equal("create", create.Action);
            Assert.StartsWith("req-", create.RequestId);

            changes.Clear();
            await catalog.DeleteAsync(id);
            await WaitForGoneAsync(catalog, id);

            Assert.Contains(id, changes);
            Assert.Null(await catalog.DetailsAsync(id));
        }
        finally
        {
            scope.Dispose();
        }
    }

    [Fact]
    public async Task Catalog_StopStartRebootAndSnapshot_RunThroughTheCore_WithInstanceActionsAndLiveNotices()
    {
        using var notices = new FeedNotices(session.Factory.Services.GetRequiredService<IServerChangeFeed>());
        var changes = notices.Changes;
        var (scope, _) = await MemberAsync();
        try
        {
            var catalog = scope.ServiceProvider.GetRequiredService<IServerCatalog>();
            var id = await catalog.CreateAsync(new ServerForm("ui-power", session.ImageId, "42", null, null, false));
            await WaitForStatusAsync(catalog, id, "ACTIVE");
            await WaitForIdleAsync(catalog, id);
            Assert.Equal([ServerAction.Stop, ServerAction.Reboot, ServerAction.HardReboot, ServerAction.Snapshot, ServerAction.Delete],
                (await catalog.DetailsAsync(id))!.Allowed.Order());

            // Start from ACTIVE: the core's own 409 message, as the API would give it.
            var refused = await Assert.ThrowsAsync<UiException>(() => catalog.PowerAsync(id, ServerAction.Start));
            Assert.Equal($"Cannot 'start' instance {id} while it is in vm_state active", refused.Message);

            changes.Clear();
            await catalog.PowerAsync(id, ServerAction.Stop);
            Assert.Contains(id, changes); // the task state, at once
            await WaitForStatusAsync(catalog, id, "SHUTOFF");
            var stopped = await WaitForIdleAsync(catalog, id);
            Assert.Equal([ServerAction.Start, ServerAction.HardReboot, ServerAction.Snapshot, ServerAction.Delete], stopped.Allowed.Order());
            var stop = stopped.Actions.Single(a => a.Action == "stop");
            Assert.StartsWith("req-", stop.RequestId);
            Assert.Equal("compute_stop_instance", Assert.Single(stop.Phases).Name);

            changes.Clear();
            await catalog.PowerAsync(id, ServerAction.Start);
            await WaitForStatusAsync(catalog, id, "ACTIVE");
            await WaitForIdleAsync(catalog, id);
            await WaitForNoticesAsync(changes, id, 2, "start: its task state and its end each notify");
            changes.Clear();
            await catalog.PowerAsync(id, ServerAction.Reboot);
            var rebooted = await WaitForIdleAsync(catalog, id);
            await WaitForNoticesAsync(changes, id, 2, "reboot: its task state and its end each notify");
            Assert.Equal("ACTIVE", rebooted.Server.Status);
            Assert.Equal(["create", "reboot", "start", "stop"], rebooted.Actions.Select(a => a.Action).Order(StringComparer.Ordinal));

            await Assert.ThrowsAsync<UiException>(() => catalog.SnapshotAsync(id, "  "));
            changes.Clear();
            var image = await catalog.SnapshotAsync(id, " before-upgrade ");
            Assert.Equal(("before-upgrade", "private", session.Member.ProjectId), (image.Name, image.Visibility, image.Owner));
            Assert.Contains(image.Status, new[] { "queued", "saving", "active" });
            var snapshotted = await WaitForIdleAsync(catalog, id);
            await WaitForNoticesAsync(changes, id, 2, "snapshot: its task state and its end each notify");
            Assert.Contains(snapshotted.Actions, a => a.Action == "createImage" && a.Phases.Any(p => p.Name == "compute_snapshot_instance" && p.Result == "Success"));
            var shelf = scope.ServiceProvider.GetRequiredService<IImageShelf>();
            Assert.Equal("active", (await shelf.FindImageAsync(image.Id))!.Status);

            // A locked server: the member's buttons get the core's refusal.
            var (lockStatus, lockBody, _) = await session.Send(HttpMethod.Post, $"/v2.1/servers/{id}/action", """{"lock": null}""", token: session.AdminToken);
            Assert.True(lockStatus == HttpStatusCode.Accepted, lockBody);
            Assert.True((await catalog.DetailsAsync(id))!.Locked);
            var locked = await Assert.ThrowsAsync<UiException>(() => catalog.PowerAsync(id, ServerAction.Stop));
            Assert.Equal($"Instance {id} is locked", locked.Message);
            await Assert.ThrowsAsync<UiException>(() => catalog.SnapshotAsync(id, "locked"));
            await session.Send(HttpMethod.Post, $"/v2.1/servers/{id}/action", """{"unlock": null}""", token: session.AdminToken);
            await catalog.DeleteAsync(id);
            // Gone before the next test of this class: a delete finishing while it counts servers would change its numbers.
            await WaitForGoneAsync(catalog, id);
        }
        finally
        {
            scope.Dispose();
        }
    }

    /// <summary>The ids of the servers the change feed tells of, from now until disposed.</summary>
    private sealed class FeedNotices : IDisposable
    {
        private readonly IServerChangeFeed _feed;

        public FeedNotices(IServerChangeFeed feed)
        {
            _feed = feed;
            feed.Changed += OnChanged;
        }

        public ConcurrentQueue<string> Changes { get; } = new();

        private void OnChanged(ServerChanged change) => Changes.Enqueue(change.Uuid);

        public void Dispose() => _feed.Changed -= OnChanged;
    }

    /// <summary>The server with no task running and every instance action finished.</summary>
    private static async Task<ServerDetails> WaitForIdleAsync(IServerCatalog catalog, string id)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var details = await catalog.DetailsAsync(id);
            if (details is { Server.TaskState: null } && details.Actions.All(a => a.Finish is not null))
            {
                return details;
            }

            Assert.True(DateTime.UtcNow < deadline, $"server {id} is still busy: {details?.Server.TaskState}");
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task Catalog_MemberSeesOnlyTheirProject_AdminSeesAll()
    {
        var (adminScope, _) = await AdminAsync();
        var (memberScope, _) = await MemberAsync();
        using (adminScope)
        using (memberScope)
        {
            var adminCatalog = adminScope.ServiceProvider.GetRequiredService<IServerCatalog>();
            var memberCatalog = memberScope.ServiceProvider.GetRequiredService<IServerCatalog>();
            var adminsServer = await adminCatalog.CreateAsync(new ServerForm("admins", session.ImageId, "42", null, null, false));
            var membersServer = await memberCatalog.CreateAsync(new ServerForm("members", session.ImageId, "42", null, null, false));

            Assert.Null(await memberCatalog.FindAsync(adminsServer));
            Assert.Null(await memberCatalog.DetailsAsync(adminsServer));
            Assert.DoesNotContain(await memberCatalog.ListAsync(), row => row.Id == adminsServer);
            await Assert.ThrowsAsync<UiException>(() => memberCatalog.DeleteAsync(adminsServer));
            Assert.Contains(await adminCatalog.ListAsync(), row => row.Id == membersServer);

            var memberView = await memberScope.ServiceProvider.GetRequiredService<IHostStatusSource>().ReadAsync();
            Assert.Equal([session.Member.ProjectId], memberView.Projects.Select(p => p.ProjectId));
            var adminView = await adminScope.ServiceProvider.GetRequiredService<IHostStatusSource>().ReadAsync();
            Assert.Contains(adminView.Projects, p => p.ProjectName == "admin" && p.Instances >= 1);
            Assert.True(adminView.ServersByStatus.Values.Sum() >= memberView.ServersByStatus.Values.Sum() + 1);
        }
    }

    [Fact]
    public async Task Networks_ThePrivateNetworkWithItsPoolUse_TheBridgeForAnAdminOnly()
    {
        var (adminScope, _) = await AdminAsync();
        var (memberScope, _) = await MemberAsync();
        using (adminScope)
        using (memberScope)
        {
            var serverCatalog = memberScope.ServiceProvider.GetRequiredService<IServerCatalog>();
            var id = await serverCatalog.CreateAsync(new ServerForm("ui-networked", session.ImageId, "42", null, null, false));
            var address = Assert.Single((await WaitForStatusAsync(serverCatalog, id, "ACTIVE")).Addresses);

            var seen = await memberScope.ServiceProvider.GetRequiredService<INetworkCatalog>().ListAsync();
            var shared = Assert.Single(seen, n => n.Name == "private");
            Assert.Equal(("nat", true, null), (shared.Kind, shared.Shared, shared.Bridge));
            Assert.Matches(@"^10\.\d+\.\d+\.0/24$", shared.Cidr);
            var prefix = shared.Cidr![..^"0/24".Length]; // 10.x.y.
            Assert.Equal(prefix + "1", shared.GatewayIp);
            Assert.StartsWith(prefix, address);
            Assert.Equal(253, shared.PoolSize); // a /24 without its network, broadcast and gateway addresses
            Assert.InRange(shared.AddressesUsed, 1, shared.PoolSize);

            var asAdmin = Assert.Single(await adminScope.ServiceProvider.GetRequiredService<INetworkCatalog>().ListAsync(), n => n.Id == shared.Id);
            Assert.False(string.IsNullOrEmpty(asAdmin.Bridge));
            Assert.False(shared.Deletable); // shared, not the member's
            Assert.True(asAdmin.Deletable);
            Assert.Equal(shared with { Bridge = asAdmin.Bridge, AddressesUsed = asAdmin.AddressesUsed, Deletable = true }, asAdmin);

            await serverCatalog.DeleteAsync(id);
            await WaitForGoneAsync(serverCatalog, id);
        }
    }

    [Fact]
    public async Task Networks_AMemberCreatesOneWithItsSubnet_AnOverlapLeavesNoNetworkBehind_AndDeletes()
    {
        var (memberScope, _) = await MemberAsync();
        using (memberScope)
        {
            var networks = memberScope.ServiceProvider.GetRequiredService<INetworkCatalog>();
            var cidr = TestCidrs.Free(0);
            var lab = await networks.CreateAsync("ui-lab", cidr);
            Assert.Equal(("ui-lab", "nat", false, cidr, true), (lab.Name, lab.Kind, lab.Shared, lab.Cidr, lab.Deletable));
            Assert.Equal(cidr[..^"0/24".Length] + "1", lab.GatewayIp);

            var overlap = await Assert.ThrowsAsync<UiException>(() => networks.CreateAsync("ui-lab-2", cidr));
            Assert.Contains("overlap", overlap.Message, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(await networks.ListAsync(), n => n.Name == "ui-lab-2");

            await networks.DeleteAsync(lab.Id);
            Assert.DoesNotContain(await networks.ListAsync(), n => n.Id == lab.Id);
            var gone = await Assert.ThrowsAsync<UiException>(() => networks.DeleteAsync(lab.Id));
            Assert.Equal($"Network {lab.Id} could not be found.", gone.Message);
        }
    }

    [Fact]
    public async Task HostStatus_DescribesTheTestHypervisor()
    {
        var (scope, _) = await AdminAsync();
        using (scope)
        {
            var status = await scope.ServiceProvider.GetRequiredService<IHostStatusSource>().ReadAsync();

            Assert.Null(status.Problem);
            Assert.Equal("TEST", status.HypervisorType);
            // The test driver has no domain capabilities: the device and the CPU flags decide.
            var kvmWorks = VirtTypeChoice.WhyKvmCannotWork(KvmEvidence.Read(host: null)) is null;
            Assert.Equal(kvmWorks ? "KVM" : "TCG", status.Accelerator);
            Assert.Contains(kvmWorks ? "hardware virtualization" : "TCG emulation", status.AcceleratorReason);
            Assert.Matches(@"^\d+\.\d+\.\d+$", status.LibvirtVersion);
            Assert.True(status.Resources.Vcpus > 0 && status.Resources.MemoryMiB > 0 && status.Resources.DiskTotalGiB > 0);
            Assert.Equal(Core.Quotas.DefaultQuotas.Instances, status.Projects[0].InstancesLimit);
        }
    }

    [Fact]
    public async Task Shelf_UploadsAnImage_AndRefusesBytesThatAreNotTheirFormat()
    {
        var (scope, _) = await MemberAsync();
        using (scope)
        {
            var shelf = scope.ServiceProvider.GetRequiredService<IImageShelf>();
            var image = await shelf.UploadAsync("from-browser", "qcow2", new MemoryStream(ImageApiSession.Qcow2("1M")));
            Assert.Equal(("from-browser", "active", "private"), (image.Name, image.Status, image.Visibility));
            Assert.Contains(await shelf.ListImagesAsync(), listed => listed.Id == image.Id);

            await Assert.ThrowsAsync<UiException>(() => shelf.UploadAsync("liar", "qcow2", new MemoryStream(new byte[4096])));
            Assert.Contains(await shelf.ListFlavorsAsync(), flavor => flavor.Id == "42" && flavor.MemoryMb == 256);
        }
    }

    [Fact]
    public async Task RequestLog_RecordsApiRequestsWithTheirIds_NotThePagesOwn()
    {
        var log = session.Factory.Services.GetRequiredService<RequestLog>();
        var (status, _, response) = await session.Send(HttpMethod.Get, "/v2.1/flavors?limit=1");
        Assert.Equal(HttpStatusCode.OK, status);
        var missing = await session.Send(HttpMethod.Get, "/v2.1/servers/00000000-0000-0000-0000-000000000000");
        Assert.Equal(HttpStatusCode.NotFound, missing.Status);
        Assert.Equal(HttpStatusCode.OK, (await session.Client.GetAsync("/ui/")).StatusCode);

        var requestId = response.Headers.GetValues("X-OpenStack-Request-ID").Single();
        var entry = log.Recent().Single(e => e.RequestId == requestId);
        Assert.Equal(("GET", "/v2.1/flavors?limit=1", 200, session.Member.ProjectId), (entry.Method, entry.Path, entry.Status, entry.ProjectId));
        Assert.Contains(log.Recent(), e => e.Status == 404 && e.Path == "/v2.1/servers/00000000-0000-0000-0000-000000000000" && e.IsError);
        Assert.DoesNotContain(log.Recent(), e => e.Path.StartsWith("/ui", StringComparison.Ordinal));
    }

    [Fact]
    public async Task UiPath_ServesThePageShell_AndRedirectsTheBarePath()
    {
        var client = session.Factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var bare = await client.GetAsync("/ui");
        Assert.Equal(HttpStatusCode.Redirect, bare.StatusCode);
        Assert.Equal("/ui/", bare.Headers.Location!.OriginalString);

        var page = await client.GetAsync("/ui/servers");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType!.MediaType);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("<base href=\"/ui/\"", html);
        Assert.Contains("_framework/blazor.web.js", html);
        Assert.Contains("_content/Appliance.Web/ui.css", html);
    }
}
