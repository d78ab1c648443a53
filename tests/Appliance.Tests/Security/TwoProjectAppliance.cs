using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Appliance.Core.Networks;
using Appliance.Core.Servers;
using Appliance.Tests.Hosting;
using Appliance.Tests.Identity;
using Appliance.Tests.Images;
using Microsoft.Extensions.DependencyInjection;

namespace Appliance.Tests.Security;

/// <summary>
/// One project's member and everything it owns, each name carrying the project's marker so a foreign
/// answer that shows any of it is caught by a substring search.
/// </summary>
public sealed class Tenant
{
    public required string Marker { get; init; }
    public required IdentityClient.Member Member { get; init; }
    public required string Token { get; set; }
    public string ProjectId => Member.ProjectId;
    public string UserId => Member.UserId;
    public string ServerId { get; set; } = "";
    public string ServerName => Marker + "-vm";
    public string ActionRequestId { get; set; } = "";
    public string PortId { get; set; } = "";
    public string NetworkId { get; set; } = "";
    public string NetworkName => Marker + "-net";
    public string SubnetId { get; set; } = "";
    public string MetadataKey => Marker + "-meta";
    public string Tag => Marker + "-tag";
    public string ImageId { get; set; } = "";
    public string ImageName => Marker + "-img";
    public string ImagePropertyKey => Marker + "_prop";
    public string ImageTag => Marker + "-imgtag";
    public string KeypairName => Marker + "-key";
    public string FlavorId { get; set; } = "";
    public string ExtraSpecKey => Marker + ":spec";
    public string FloatingIpId { get; set; } = "";
    public string ForwardingId { get; set; } = "";
    public string SecurityGroupId { get; set; } = "";
    public string SecurityGroupName => Marker + "-sg";
    public string SecurityGroupRuleId { get; set; } = "";

    /// <summary>Ids and names that must never appear in another project's answers (ids echoed from its own URL aside).</summary>
    public IEnumerable<string> Identifiers =>
        new[] { Marker, ProjectId, UserId, ServerId, ActionRequestId, PortId, NetworkId, SubnetId, ImageId, FlavorId, FloatingIpId, ForwardingId, SecurityGroupId, SecurityGroupRuleId }.Where(value => value.Length > 0);
}

/// <summary>
/// An appliance on test:///default with two projects, A and B, each with a member and a full set of resources
/// (server with metadata, tag and an instance action; private image with a property and a tag; key pair;
/// a private flavor only its project may use), plus an admin-owned public image and public flavor, and
/// identity "victims" the fuzzer may delete or change without breaking A or B. Rate limits are off: the
/// fuzzer sends far more than 120 writes a minute.
/// </summary>
public sealed class TwoProjectAppliance : IAsyncLifetime
{
    public const string PublicFlavorId = "42"; // m1.nano, a default flavor every project sees

    public ApplianceFactory Factory { get; private set; } = null!;
    public HttpClient Client { get; private set; } = null!;
    public LeakScanner Leaks { get; private set; } = null!;
    public string AdminToken { get; private set; } = null!;
    public string AdminProjectId { get; private set; } = null!;
    public Tenant A { get; private set; } = null!;
    public Tenant B { get; private set; } = null!;
    public string PublicImageId { get; private set; } = null!;
    private string _adminPassword = null!;
    public string MemberRoleId { get; private set; } = null!;
    public string UnscopedTokenOfA { get; private set; } = null!;
    public string RevokedToken { get; private set; } = null!;
    public IdentityClient.Member Victim { get; private set; } = null!;
    public string VictimRoleId { get; private set; } = null!;
    public string VictimToken { get; private set; } = null!;

    /// <summary>The routes as the host mapped them at start, before the status page's branch adds its own.</summary>
    public IReadOnlyList<ApiRoute> Routes { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Factory = new ApplianceFactory(configure: options =>
        {
            options.RateLimits.Enabled = false;
            options.Servers.PowerSyncInterval = TimeSpan.FromSeconds(1);
        });
        Client = Factory.CreateClient();
        Routes = RouteCatalog.From(Factory.Services);
        Leaks = new LeakScanner(Factory.DataDir);
        _adminPassword = IdentityClient.AdminPassword(Factory.DataDir);
        Leaks.Add("admin password", _adminPassword);
        Leaks.Add("password", SeedBodies.CanaryPassword);
        AdminToken = await IdentityClient.AdminTokenAsync(Client, Factory.DataDir);
        Leaks.Add("token", AdminToken);
        var adminContext = await IdentityClient.SendJsonAsync(Client, IdentityClient.WithToken(HttpMethod.Get, "/identity/v3/auth/tokens", AdminToken)
            .WithSubjectToken(AdminToken), HttpStatusCode.OK);
        AdminProjectId = adminContext.GetProperty("token").GetProperty("project").GetProperty("id").GetString()!;
        MemberRoleId = await IdentityClient.RoleIdAsync(Client, AdminToken, "member");

        PublicImageId = await CreateImageAsync(AdminToken, "public-img", "public");
        A = await CreateTenantAsync("aonly");
        B = await CreateTenantAsync("bonly");
        UnscopedTokenOfA = await IdentityClient.LoginAsync(Client, A.Member.UserName, A.Member.Password, project: null);
        Leaks.Add("token", UnscopedTokenOfA);
        RevokedToken = await IdentityClient.LoginAsync(Client, B.Member.UserName, B.Member.Password, B.Marker + "-project");
        Leaks.Add("token", RevokedToken);
        Assert.Equal(HttpStatusCode.NoContent, (await Client.SendAsync(IdentityClient.WithToken(HttpMethod.Delete, "/identity/v3/auth/tokens", AdminToken).WithSubjectToken(RevokedToken))).StatusCode);

        await CreateVictimsAsync();
        await EnsureResourcesAsync();
    }

    public Task DisposeAsync()
    {
        Factory.Dispose();
        return Task.CompletedTask;
    }

    public ServerTaskRunner Runner => Factory.Services.GetRequiredService<ServerTaskRunner>();

    private async Task<Tenant> CreateTenantAsync(string prefix)
    {
        var marker = $"{prefix}{Guid.NewGuid():N}"[..(prefix.Length + 10)];
        var member = await IdentityClient.CreateMemberAsync(Client, AdminToken, marker + "-project", marker + "-user");
        Leaks.Add("password", member.Password);
        var token = await IdentityClient.LoginAsync(Client, member.UserName, member.Password, marker + "-project");
        Leaks.Add("token", token);
        return new Tenant { Marker = marker, Member = member, Token = token };
    }

    /// <summary>Identity objects the fuzzer's admin calls may delete, disable or regrant: A and B are never among them.</summary>
    private async Task CreateVictimsAsync()
    {
        Victim = await IdentityClient.CreateMemberAsync(Client, AdminToken, $"victim{Guid.NewGuid():N}"[..16] + "-project", $"victim{Guid.NewGuid():N}"[..16] + "-user");
        Leaks.Add("password", Victim.Password);
        var role = await IdentityClient.SendJsonAsync(Client, IdentityClient.WithToken(HttpMethod.Post, "/identity/v3/roles", AdminToken,
            $$$"""{"role": {"name": "victim{{{Guid.NewGuid():N}}}"}}"""), HttpStatusCode.Created);
        VictimRoleId = role.GetProperty("role").GetProperty("id").GetString()!;
        VictimToken = await IdentityClient.LoginAsync(Client, Victim.UserName, Victim.Password, project: null);
        Leaks.Add("token", VictimToken);
    }

    /// <summary>
    /// After fuzzing: logs A, B and admin in again if their tokens were revoked, and puts back the public image, the identity
    /// victims and A's and B's resources when the fuzzer deleted or changed them.
    /// </summary>
    public async Task RepairAsync()
    {
        if (!await TokenValidAsync(AdminToken))
        {
            AdminToken = await IdentityClient.LoginAsync(Client, "admin", _adminPassword, "admin");
            Leaks.Add("token", AdminToken);
        }

        foreach (var tenant in new[] { A, B })
        {
            if (!await TokenValidAsync(tenant.Token))
            {
                tenant.Token = await IdentityClient.LoginAsync(Client, tenant.Member.UserName, tenant.Member.Password, tenant.Marker + "-project");
                Leaks.Add("token", tenant.Token);
            }
        }

        var (image, imageBody) = await SendAsync(HttpMethod.Get, $"/image/v2/images/{PublicImageId}", AdminToken);
        if (image != HttpStatusCode.OK || !imageBody.Contains("\"visibility\": \"public\"", StringComparison.Ordinal) && !imageBody.Contains("\"visibility\":\"public\"", StringComparison.Ordinal)
            || !imageBody.Contains("\"active\"", StringComparison.Ordinal))
        {
            PublicImageId = await CreateImageAsync(AdminToken, "public-img", "public");
        }

        var (victim, _) = await SendAsync(HttpMethod.Get, $"/identity/v3/users/{Victim.UserId}", AdminToken);
        var (victimProject, _) = await SendAsync(HttpMethod.Get, $"/identity/v3/projects/{Victim.ProjectId}", AdminToken);
        var (victimRole, _) = await SendAsync(HttpMethod.Get, $"/identity/v3/roles/{VictimRoleId}", AdminToken);
        if (victim != HttpStatusCode.OK || victimProject != HttpStatusCode.OK || victimRole != HttpStatusCode.OK || !await TokenValidAsync(VictimToken))
        {
            await CreateVictimsAsync();
        }

        await EnsureResourcesAsync();
    }

    private async Task<bool> TokenValidAsync(string token)
    {
        var response = await Client.SendAsync(IdentityClient.WithToken(HttpMethod.Get, "/identity/v3/auth/tokens", token).WithSubjectToken(token));
        return response.StatusCode == HttpStatusCode.OK;
    }

    /// <summary>
    /// Puts back whatever of A's and B's resources the fuzzer deleted, stopped or locked, so later cases still reach
    /// the handlers' deep paths; cheap when nothing is missing.
    /// </summary>
    public async Task EnsureResourcesAsync()
    {
        foreach (var tenant in new[] { A, B })
        {
            // A fuzzed quota PUT may have left the tenant no room for its server's port or its network.
            await SendAsync(HttpMethod.Delete, $"/network/v2.0/quotas/{tenant.ProjectId}", AdminToken);
            await EnsureServerAsync(tenant);
            await EnsureImageAsync(tenant);
            await EnsureKeypairAsync(tenant);
            await EnsureFlavorAsync(tenant);
            await EnsureNetworkAsync(tenant);
            await EnsureFloatingIpAsync(tenant);
            await EnsureSecurityGroupAsync(tenant);
        }
    }

    /// <summary>A security group of the tenant's own with one ingress rule; made again when the fuzzer deleted either.</summary>
    private async Task EnsureSecurityGroupAsync(Tenant tenant)
    {
        if (tenant.SecurityGroupRuleId.Length > 0
            && (await SendAsync(HttpMethod.Get, $"/network/v2.0/security-group-rules/{tenant.SecurityGroupRuleId}", tenant.Token)).Status == HttpStatusCode.OK)
        {
            return;
        }

        if (tenant.SecurityGroupId.Length == 0
            || (await SendAsync(HttpMethod.Get, $"/network/v2.0/security-groups/{tenant.SecurityGroupId}", tenant.Token)).Status != HttpStatusCode.OK)
        {
            var (created, body) = await SendAsync(HttpMethod.Post, "/network/v2.0/security-groups", tenant.Token,
                $$$"""{"security_group": {"name": "{{{tenant.SecurityGroupName}}}"}}""");
            Assert.True(created == HttpStatusCode.Created, body);
            tenant.SecurityGroupId = JsonDocument.Parse(body).RootElement.GetProperty("security_group").GetProperty("id").GetString()!;
        }

        var (made, rule) = await SendAsync(HttpMethod.Post, "/network/v2.0/security-group-rules", tenant.Token,
            $$$"""{"security_group_rule": {"security_group_id": "{{{tenant.SecurityGroupId}}}", "direction": "ingress", "protocol": "tcp", "port_range_min": 22, "port_range_max": 22}}""");
        Assert.True(made == HttpStatusCode.Created, rule);
        tenant.SecurityGroupRuleId = JsonDocument.Parse(rule).RootElement.GetProperty("security_group_rule").GetProperty("id").GetString()!;
    }

    /// <summary>
    /// A floating IP of the tenant's own from an external LAN network (made once by the admin), with a port forwarding to a
    /// port of the tenant's on private; made again when the fuzzer deleted either.
    /// </summary>
    private async Task EnsureFloatingIpAsync(Tenant tenant)
    {
        var (fip, _) = await SendAsync(HttpMethod.Get, $"/network/v2.0/floatingips/{tenant.FloatingIpId}", AdminToken);
        var (forwarding, _) = await SendAsync(HttpMethod.Get, $"/network/v2.0/floatingips/{tenant.FloatingIpId}/port_forwardings/{tenant.ForwardingId}", AdminToken);
        if (tenant.FloatingIpId.Length > 0 && fip == HttpStatusCode.OK && forwarding == HttpStatusCode.OK)
        {
            return;
        }

        var networks = Factory.Services.GetRequiredService<NetworkRepository>();
        var all = await networks.NetworksAsync();
        var external = all.FirstOrDefault(n => n.Name == "fz-lan" && n.RouterExternal)?.Id;
        if (external is null)
        {
            var lan = await Factory.Services.GetRequiredService<ProviderNetworks>().CreateAsync(
                new NewProviderNetwork("fz-lan", "", "br-fz-lan", "198.19.250.0/24", "198.19.250.10", "198.19.250.250") { External = true });
            external = lan.Id;
        }

        var (created, body) = await SendAsync(HttpMethod.Post, "/network/v2.0/floatingips", tenant.Token,
            $$$"""{"floatingip": {"floating_network_id": "{{{external}}}", "description": "{{{tenant.Marker}}}"}}""");
        Assert.True(created == HttpStatusCode.Created, body);
        tenant.FloatingIpId = JsonDocument.Parse(body).RootElement.GetProperty("floatingip").GetProperty("id").GetString()!;
        var privateId = all.First(n => n.Name == "private").Id;
        (created, body) = await SendAsync(HttpMethod.Post, "/network/v2.0/ports", tenant.Token, $$$"""{"port": {"network_id": "{{{privateId}}}"}}""");
        Assert.True(created == HttpStatusCode.Created, body);
        var port = JsonDocument.Parse(body).RootElement.GetProperty("port");
        var portId = port.GetProperty("id").GetString()!;
        var fixedIp = port.GetProperty("fixed_ips")[0].GetProperty("ip_address").GetString()!;
        (created, body) = await SendAsync(HttpMethod.Post, $"/network/v2.0/floatingips/{tenant.FloatingIpId}/port_forwardings", tenant.Token,
            $$$"""{"port_forwarding": {"protocol": "tcp", "external_port": 2222, "internal_port": 22, "internal_port_id": "{{{portId}}}", "internal_ip_address": "{{{fixedIp}}}"}}""");
        Assert.True(created == HttpStatusCode.Created, body);
        tenant.ForwardingId = JsonDocument.Parse(body).RootElement.GetProperty("port_forwarding").GetProperty("id").GetString()!;
    }

    /// <summary>
    /// A network of the tenant's own (not shared, unlike private), made in the store; made again when the fuzzer
    /// deleted it or its subnet. Each tenant's /24 is its own, so the two never overlap.
    /// </summary>
    private async Task EnsureNetworkAsync(Tenant tenant)
    {
        var networks = Factory.Services.GetRequiredService<NetworkRepository>();
        if (tenant.NetworkId.Length > 0 && await networks.FindNetworkAsync(tenant.NetworkId) is not null
            && (await networks.SubnetsAsync(tenant.NetworkId)).Count > 0)
        {
            return;
        }

        if (tenant.NetworkId.Length > 0 && await networks.FindNetworkAsync(tenant.NetworkId) is not null)
        {
            // The fuzzer took its subnet (the owner may), so no port is left on it: start again with a new network.
            await networks.DeleteNetworkAsync(tenant.NetworkId);
        }

        var now = Timestamps.Now();
        var id = Guid.NewGuid().ToString();
        var names = Factory.Services.GetRequiredService<NetworkNames>();
        var third = tenant == A ? 101 : 102;
        var subnet = new SubnetRecord
        {
            Id = Guid.NewGuid().ToString(),
            NetworkId = id,
            ProjectId = tenant.ProjectId,
            Name = tenant.Marker + "-subnet",
            Cidr = $"172.29.{third}.0/24",
            GatewayIp = $"172.29.{third}.1",
            CreatedAt = now,
            UpdatedAt = now,
        };
        await networks.CreateNetworkAsync(
            new NetworkRecord
            {
                Id = id,
                Name = tenant.NetworkName,
                ProjectId = tenant.ProjectId,
                Kind = NetworkKinds.Isolated,
                LibvirtName = names.LibvirtName(id),
                Bridge = names.Bridge(id),
                CreatedAt = now,
                UpdatedAt = now,
            },
            subnet);
        // Its libvirt network too, as the appliance makes it at start: the tenant's next server lands on it ("auto" prefers it).
        await Factory.Services.GetRequiredService<NetworkBootstrap>().EnsureAsync();
        tenant.NetworkId = id;
        tenant.SubnetId = subnet.Id;
    }

    private async Task EnsureServerAsync(Tenant tenant)
    {
        if (tenant.ServerId.Length > 0 && await RestoreServerAsync(tenant.ServerId))
        {
            await SendAsync(HttpMethod.Put, $"/v2.1/servers/{tenant.ServerId}/metadata/{tenant.MetadataKey}", tenant.Token,
                $$$"""{"meta": {"{{{tenant.MetadataKey}}}": "{{{tenant.Marker}}}"}}""");
            await SendAsync(HttpMethod.Put, $"/v2.1/servers/{tenant.ServerId}/tags/{tenant.Tag}", tenant.Token, microversion: "2.26");
            return;
        }

        if (tenant.ServerId.Length > 0)
        {
            await SendAsync(HttpMethod.Delete, $"/v2.1/servers/{tenant.ServerId}", AdminToken);
        }

        // Servers the fuzzer made count against the quota; clear them so the tenant's own server fits.
        await Runner.WhenIdleAsync();
        var (_, list) = await SendAsync(HttpMethod.Get, "/v2.1/servers", tenant.Token);
        foreach (var other in JsonDocument.Parse(list).RootElement.GetProperty("servers").EnumerateArray())
        {
            var id = other.GetProperty("id").GetString()!;
            await SendAsync(HttpMethod.Post, $"/v2.1/servers/{id}/action", AdminToken, """{"unlock": null}""");
            await SendAsync(HttpMethod.Delete, $"/v2.1/servers/{id}", AdminToken);
        }

        await SendAsync(HttpMethod.Delete, $"/v2.1/os-quota-sets/{tenant.ProjectId}", AdminToken);
        await Runner.WhenIdleAsync();
        var (created, createdBody) = await SendAsync(HttpMethod.Post, "/v2.1/servers", tenant.Token,
            $$$$"""{"server": {"name": "{{{{tenant.ServerName}}}}", "imageRef": "{{{{PublicImageId}}}}", "flavorRef": "{{{{PublicFlavorId}}}}", "metadata": {"{{{{tenant.MetadataKey}}}}": "{{{{tenant.Marker}}}}"}}}""");
        Assert.True(created == HttpStatusCode.Accepted, createdBody);
        var createdServer = JsonDocument.Parse(createdBody).RootElement.GetProperty("server");
        tenant.ServerId = createdServer.GetProperty("id").GetString()!;
        Leaks.Add("adminPass", createdServer.GetProperty("adminPass").GetString());
        Assert.True(await WaitForActiveAsync(tenant.ServerId), $"server {tenant.ServerId} did not become ACTIVE");
        var (tagged, tagBody) = await SendAsync(HttpMethod.Put, $"/v2.1/servers/{tenant.ServerId}/tags/{tenant.Tag}", tenant.Token, microversion: "2.26");
        Assert.True(tagged == HttpStatusCode.Created, tagBody);
        var (_, actions) = await SendAsync(HttpMethod.Get, $"/v2.1/servers/{tenant.ServerId}/os-instance-actions", tenant.Token);
        tenant.ActionRequestId = JsonDocument.Parse(actions).RootElement.GetProperty("instanceActions")[0].GetProperty("request_id").GetString()!;
        var (_, interfaces) = await SendAsync(HttpMethod.Get, $"/v2.1/servers/{tenant.ServerId}/os-interface", tenant.Token);
        tenant.PortId = JsonDocument.Parse(interfaces).RootElement.GetProperty("interfaceAttachments")[0].GetProperty("port_id").GetString()!;
        await Runner.WhenIdleAsync();
    }

    /// <summary>Unlocks and starts, unpauses or resumes the server as needed; false when it is gone or cannot be made ACTIVE.</summary>
    private async Task<bool> RestoreServerAsync(string id)
    {
        await Runner.WhenIdleAsync();
        var (status, body) = await SendAsync(HttpMethod.Get, $"/v2.1/servers/{id}", AdminToken, microversion: "2.9"); // "locked" from 2.9
        if (status != HttpStatusCode.OK)
        {
            return false;
        }

        var server = JsonDocument.Parse(body).RootElement.GetProperty("server");
        var state = server.GetProperty("status").GetString();
        if (state == "ACTIVE" && !server.GetProperty("locked").GetBoolean())
        {
            return true;
        }

        await SendAsync(HttpMethod.Post, $"/v2.1/servers/{id}/action", AdminToken, """{"unlock": null}""");
        var action = state switch
        {
            "SHUTOFF" => """{"os-start": null}""",
            "PAUSED" => """{"unpause": null}""",
            "SUSPENDED" => """{"resume": null}""",
            _ => null,
        };
        if (action is not null)
        {
            await SendAsync(HttpMethod.Post, $"/v2.1/servers/{id}/action", AdminToken, action);
        }

        return state is "ACTIVE" or "SHUTOFF" or "PAUSED" or "SUSPENDED" && await WaitForActiveAsync(id, TimeSpan.FromSeconds(15));
    }

    private async Task<bool> WaitForActiveAsync(string id, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (DateTime.UtcNow < deadline)
        {
            var (status, body) = await SendAsync(HttpMethod.Get, $"/v2.1/servers/{id}", AdminToken);
            var server = status == HttpStatusCode.OK ? JsonDocument.Parse(body).RootElement.GetProperty("server") : default;
            var state = status == HttpStatusCode.OK ? server.GetProperty("status").GetString() : null;
            if (state == "ACTIVE" && server.GetProperty("OS-EXT-STS:task_state").ValueKind == JsonValueKind.Null)
            {
                return true;
            }

            if (state is null or "ERROR" or "DELETED")
            {
                return false;
            }

            await Task.Delay(25);
        }

        return false;
    }

    private async Task EnsureImageAsync(Tenant tenant)
    {
        if (tenant.ImageId.Length > 0)
        {
            var (status, body) = await SendAsync(HttpMethod.Get, $"/image/v2/images/{tenant.ImageId}", AdminToken);
            if (status == HttpStatusCode.OK && JsonDocument.Parse(body).RootElement.GetProperty("status").GetString() == "active"
                && body.Contains(tenant.ImagePropertyKey, StringComparison.Ordinal) && body.Contains(tenant.ImageTag, StringComparison.Ordinal))
            {
                return;
            }

            await SendAsync(HttpMethod.Delete, $"/image/v2/images/{tenant.ImageId}", AdminToken);
        }

        tenant.ImageId = await CreateImageAsync(tenant.Token, tenant.ImageName, "private");
        var patch = new HttpRequestMessage(HttpMethod.Patch, $"/image/v2/images/{tenant.ImageId}")
        {
            Content = ImageApiSession.Json($$$"""[{"op": "add", "path": "/{{{tenant.ImagePropertyKey}}}", "value": "{{{tenant.Marker}}}"}]""",
                "application/openstack-images-v2.1-json-patch"),
        };
        patch.Headers.Add("X-Auth-Token", tenant.Token);
        var patched = await Client.SendAsync(patch);
        Assert.True(patched.StatusCode == HttpStatusCode.OK, await patched.Content.ReadAsStringAsync());
        var (tagged, tagBody) = await SendAsync(HttpMethod.Put, $"/image/v2/images/{tenant.ImageId}/tags/{tenant.ImageTag}", tenant.Token);
        Assert.True(tagged == HttpStatusCode.NoContent, tagBody);
    }

    private async Task EnsureKeypairAsync(Tenant tenant)
    {
        var (status, _) = await SendAsync(HttpMethod.Get, $"/v2.1/os-keypairs/{tenant.KeypairName}", tenant.Token);
        if (status == HttpStatusCode.OK)
        {
            return;
        }

        var (created, body) = await SendAsync(HttpMethod.Post, "/v2.1/os-keypairs", tenant.Token, $$$"""{"keypair": {"name": "{{{tenant.KeypairName}}}"}}""");
        Assert.True(created == HttpStatusCode.OK, body);
        Leaks.AddPrivateKey(JsonDocument.Parse(body).RootElement.GetProperty("keypair").GetProperty("private_key").GetString());
    }

    private async Task EnsureFlavorAsync(Tenant tenant)
    {
        if (tenant.FlavorId.Length > 0)
        {
            var (status, _) = await SendAsync(HttpMethod.Get, $"/v2.1/flavors/{tenant.FlavorId}/os-extra_specs/{Uri.EscapeDataString(tenant.ExtraSpecKey)}", tenant.Token);
            var (access, accessBody) = await SendAsync(HttpMethod.Get, $"/v2.1/flavors/{tenant.FlavorId}/os-flavor-access", AdminToken);
            if (status == HttpStatusCode.OK && access == HttpStatusCode.OK && accessBody.Contains(tenant.ProjectId, StringComparison.Ordinal)
                && !accessBody.Contains(tenant == A ? B.ProjectId : A.ProjectId, StringComparison.Ordinal))
            {
                return;
            }

            await SendAsync(HttpMethod.Delete, $"/v2.1/flavors/{tenant.FlavorId}", AdminToken);
        }

        var (created, createdBody) = await SendAsync(HttpMethod.Post, "/v2.1/flavors", AdminToken,
            $$$"""{"flavor": {"name": "{{{tenant.Marker}}}-flavor-{{{Guid.NewGuid():N}}}", "ram": 256, "vcpus": 1, "disk": 1, "os-flavor-access:is_public": false}}""");
        Assert.True(created == HttpStatusCode.OK, createdBody);
        tenant.FlavorId = JsonDocument.Parse(createdBody).RootElement.GetProperty("flavor").GetProperty("id").GetString()!;
        var (granted, grantBody) = await SendAsync(HttpMethod.Post, $"/v2.1/flavors/{tenant.FlavorId}/action", AdminToken,
            $$$"""{"addTenantAccess": {"tenant": "{{{tenant.ProjectId}}}"}}""");
        Assert.True(granted == HttpStatusCode.OK, grantBody);
        var (specs, specBody) = await SendAsync(HttpMethod.Post, $"/v2.1/flavors/{tenant.FlavorId}/os-extra_specs", AdminToken,
            $$$"""{"extra_specs": {"{{{tenant.ExtraSpecKey}}}": "{{{tenant.Marker}}}"}}""");
        Assert.True(specs == HttpStatusCode.OK, specBody);
    }

    private async Task<string> CreateImageAsync(string token, string name, string visibility)
    {
        var (status, body) = await SendAsync(HttpMethod.Post, "/image/v2/images", token,
            $$$"""{"name": "{{{name}}}", "disk_format": "qcow2", "container_format": "bare", "visibility": "{{{visibility}}}"}""");
        Assert.True(status == HttpStatusCode.Created, body);
        var id = JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!;
        var upload = new HttpRequestMessage(HttpMethod.Put, $"/image/v2/images/{id}/file") { Content = ImageApiSession.Bytes(TinyQcow2.Value) };
        upload.Headers.Add("X-Auth-Token", token);
        var uploaded = await Client.SendAsync(upload);
        Assert.True(uploaded.StatusCode == HttpStatusCode.NoContent, await uploaded.Content.ReadAsStringAsync());
        return id;
    }

    private static readonly Lazy<byte[]> TinyQcow2 = new(() => ImageApiSession.Qcow2("64M"));

    public async Task<(HttpStatusCode Status, string Body)> SendAsync(HttpMethod method, string path, string? token, string? json = null, string? microversion = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (token is not null)
        {
            request.Headers.Add("X-Auth-Token", token);
        }

        if (microversion is not null)
        {
            request.Headers.Add("OpenStack-API-Version", $"compute {microversion}");
        }

        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        var response = await Client.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}

public static class SubjectTokenHeader
{
    public static HttpRequestMessage WithSubjectToken(this HttpRequestMessage request, string token)
    {
        request.Headers.Add("X-Subject-Token", token);
        return request;
    }
}
