using System.Net;
using System.Text.Json;
using Appliance.Core.Store;
using Appliance.Tests.Hosting;
using Appliance.Tests.Identity;
using Appliance.Tests.Images;
using Appliance.Web.Microversions;
using Dapper;
using Microsoft.Extensions.DependencyInjection;

namespace Appliance.Tests.Flavors;

/// <summary>os-flavor-access against Nova's samples: listing, granting and revoking projects on private flavors.</summary>
public sealed class FlavorAccessApiTests : IAsyncLifetime
{
    private readonly ImageApiSession _session = new();
    private IdentityClient.Member _tenant = null!;

    public async Task InitializeAsync()
    {
        await _session.InitializeAsync();
        _tenant = await IdentityClient.CreateMemberAsync(_session.Client, _session.AdminToken, "tenant", "grace");
    }

    public Task DisposeAsync() => _session.DisposeAsync();

    private async Task<(HttpStatusCode Status, string Body)> Send(HttpMethod method, string path, string? json = null, string? token = null, string? version = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = json is null ? null : ImageApiSession.Json(json) };
        request.Headers.Add("X-Auth-Token", token ?? _session.AdminToken);
        if (version is not null)
        {
            request.Headers.Add("OpenStack-API-Version", $"compute {version}");
        }

        var response = await _session.Client.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private async Task CreateFlavor(bool isPublic)
    {
        var (status, body) = await Send(HttpMethod.Post, "/v2.1/flavors",
            $$$"""{"flavor": {"name": "test_flavor", "ram": 1024, "vcpus": 2, "disk": 10, "id": "10", "os-flavor-access:is_public": {{{(isPublic ? "true" : "false")}}}}}""");
        Assert.True(status == HttpStatusCode.OK, body);
    }

    private Task<(HttpStatusCode Status, string Body)> Action(string action, string tenant, string? token = null, string? version = null) =>
        Send(HttpMethod.Post, "/v2.1/flavors/10/action", $$$"""{"{{{action}}}": {"tenant": "{{{tenant}}}"}}""", token, version);

    private static void AssertFault(HttpStatusCode expected, string kind, string message, (HttpStatusCode Status, string Body) answer)
    {
        Assert.Equal(expected, answer.Status);
        JsonAssert.Equal($$$"""{"{{{kind}}}": {"code": {{{(int)expected}}}, "message": {{{JsonSerializer.Serialize(message)}}}}}""", answer.Body);
    }

    /// <summary>The flavors table's own id of flavor "10": Nova's conflict and not-found messages name it.</summary>
    private async Task<long> InternalId()
    {
        await using var connection = await _session.Factory.Services.GetRequiredService<Database>().OpenAsync();
        return await connection.ExecuteScalarAsync<long>("SELECT id FROM flavors WHERE flavorid = '10'");
    }

    [Fact]
    public async Task PrivateFlavor_StartsWithNoAccess_AddListRemove_AsInNovasSamples()
    {
        await CreateFlavor(isPublic: false);
        JsonAssert.Equal("""{"flavor_access": []}""", (await Send(HttpMethod.Get, "/v2.1/flavors/10/os-flavor-access")).Body);

        var (added, addBody) = await Action("addTenantAccess", _tenant.ProjectId);
        Assert.Equal(HttpStatusCode.OK, added);
        var granted = $$$"""{"flavor_access": [{"flavor_id": "10", "tenant_id": "{{{_tenant.ProjectId}}}"}]}""";
        JsonAssert.Equal(granted, addBody);

        var (listed, listBody) = await Send(HttpMethod.Get, "/v2.1/flavors/10/os-flavor-access");
        Assert.Equal(HttpStatusCode.OK, listed);
        JsonAssert.Equal(granted, listBody);

        var (removed, removeBody) = await Action("removeTenantAccess", _tenant.ProjectId);
        Assert.Equal(HttpStatusCode.OK, removed);
        JsonAssert.Equal("""{"flavor_access": []}""", removeBody);
    }

    [Fact]
    public async Task GrantedProject_SeesThePrivateFlavor_UntilRevoked()
    {
        await CreateFlavor(isPublic: false);
        var token = await IdentityClient.LoginAsync(_session.Client, _tenant.UserName, _tenant.Password, "tenant");
        Assert.Equal(HttpStatusCode.NotFound, (await Send(HttpMethod.Get, "/v2.1/flavors/10", token: token)).Status);

        await Action("addTenantAccess", _tenant.ProjectId);
        Assert.Equal(HttpStatusCode.OK, (await Send(HttpMethod.Get, "/v2.1/flavors/10", token: token)).Status);
        Assert.Contains("\"id\":\"10\"", (await Send(HttpMethod.Get, "/v2.1/flavors", token: token)).Body);

        await Action("removeTenantAccess", _tenant.ProjectId);
        Assert.Equal(HttpStatusCode.NotFound, (await Send(HttpMethod.Get, "/v2.1/flavors/10", token: token)).Status);
    }

    [Fact]
    public async Task AddTwice_Is409_RemoveUnknown_Is404_NamingTheFlavorsDatabaseId()
    {
        await CreateFlavor(isPublic: false);
        await Action("addTenantAccess", _tenant.ProjectId);
        var id = await InternalId();

        AssertFault(HttpStatusCode.Conflict, "conflictingRequest",
            $"Flavor access already exists for flavor {id} and project {_tenant.ProjectId} combination.", await Action("addTenantAccess", _tenant.ProjectId));
        AssertFault(HttpStatusCode.NotFound, "itemNotFound",
            $"Flavor access not found for {id} / no-such-project combination.", await Action("removeTenantAccess", "no-such-project"));
    }

    [Fact]
    public async Task PublicFlavor_HasNoAccessList_404()
    {
        AssertFault(HttpStatusCode.NotFound, "itemNotFound", "Access list not available for public flavors.",
            await Send(HttpMethod.Get, "/v2.1/flavors/1/os-flavor-access"));
    }

    [Fact]
    public async Task PublicFlavor_Below27_TakesTheGrant()
    {
        await CreateFlavor(isPublic: true);

        var (status, body) = await Action("addTenantAccess", _tenant.ProjectId);

        Assert.Equal(HttpStatusCode.OK, status);
        JsonAssert.Equal($$$"""{"flavor_access": [{"flavor_id": "10", "tenant_id": "{{{_tenant.ProjectId}}}"}]}""", body);
    }

    [SkippableFact]
    public async Task PublicFlavor_From27_RefusesAGrant_409()
    {
        AdvertisedMicroversion.Require(ComputeMicroversions.FlavorAccessPublicConflict);
        await CreateFlavor(isPublic: true);

        AssertFault(HttpStatusCode.Conflict, "conflictingRequest", "Can not add access to a public flavor.",
            await Action("addTenantAccess", _tenant.ProjectId, version: "2.7"));
        Assert.Equal(HttpStatusCode.OK, (await Action("addTenantAccess", _tenant.ProjectId, version: "2.6")).Status);
    }

    [Fact]
    public async Task UnknownFlavorOrProject_AreRefused()
    {
        AssertFault(HttpStatusCode.NotFound, "itemNotFound", "Flavor 99 could not be found.", await Send(HttpMethod.Get, "/v2.1/flavors/99/os-flavor-access"));
        AssertFault(HttpStatusCode.NotFound, "itemNotFound", "Flavor 10 could not be found.", await Action("addTenantAccess", _tenant.ProjectId));
        AssertFault(HttpStatusCode.NotFound, "itemNotFound", "Flavor 10 could not be found.", await Action("removeTenantAccess", _tenant.ProjectId));
        await CreateFlavor(isPublic: false);
        AssertFault(HttpStatusCode.BadRequest, "badRequest", "Project ID nobody is not a valid project.", await Action("addTenantAccess", "nobody"));
    }

    [Theory]
    [InlineData("""{"addTenantAccess": {"tenant": "a"}, "removeTenantAccess": {"tenant": "a"}}""", "Malformed request body")]
    [InlineData("""[{"addTenantAccess": {"tenant": "a"}}]""", "Malformed request body")]
    [InlineData("""{"addTenantAccess": null}""", "Invalid input for field/attribute addTenantAccess. Value: None. None is not of type 'object'")]
    [InlineData("""{"shareFlavor": {"tenant": "a"}}""", "There is no such action: shareFlavor")]
    [InlineData("""{"addTenantAccess": {}}""", "'tenant' is a required property")]
    [InlineData("""{"addTenantAccess": {"tenant": "a", "role": "x"}}""", "Additional properties are not allowed ('role' was unexpected)")]
    [InlineData("""{"removeTenantAccess": {"tenant": ""}}""", "Invalid input for field/attribute tenant. Value: . '' is too short")]
    public async Task BadActionBody_Is400(string json, string message)
    {
        await CreateFlavor(isPublic: false);

        AssertFault(HttpStatusCode.BadRequest, "badRequest", message, await Send(HttpMethod.Post, "/v2.1/flavors/10/action", json));
    }

    [Fact]
    public async Task Members_AreRefused_403()
    {
        await CreateFlavor(isPublic: false);
        var token = await IdentityClient.LoginAsync(_session.Client, _tenant.UserName, _tenant.Password, "tenant");

        AssertFault(HttpStatusCode.Forbidden, "forbidden", "Policy doesn't allow os_compute_api:os-flavor-access to be performed.",
            await Send(HttpMethod.Get, "/v2.1/flavors/10/os-flavor-access", token: token));
        AssertFault(HttpStatusCode.Forbidden, "forbidden", "Policy doesn't allow os_compute_api:os-flavor-access:add_tenant_access to be performed.",
            await Action("addTenantAccess", _tenant.ProjectId, token));
        AssertFault(HttpStatusCode.Forbidden, "forbidden", "Policy doesn't allow os_compute_api:os-flavor-access:remove_tenant_access to be performed.",
            await Action("removeTenantAccess", _tenant.ProjectId, token));
    }

    [Fact]
    public async Task DeletingTheFlavor_DropsItsAccessList()
    {
        await CreateFlavor(isPublic: false);
        await Action("addTenantAccess", _tenant.ProjectId);
        Assert.Equal(HttpStatusCode.Accepted, (await Send(HttpMethod.Delete, "/v2.1/flavors/10")).Status);

        await CreateFlavor(isPublic: false);

        JsonAssert.Equal("""{"flavor_access": []}""", (await Send(HttpMethod.Get, "/v2.1/flavors/10/os-flavor-access")).Body);
    }
}
