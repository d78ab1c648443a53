using System.Net;
using Appliance.Core.Store;
using Appliance.Tests.Hosting;
using Appliance.Tests.Identity;
using Appliance.Tests.Images;
using Microsoft.Extensions.DependencyInjection;

namespace Appliance.Tests.Quotas;

/// <summary>/os-quota-sets against Nova's api_samples and its default policy, on the real pipeline and store.</summary>
public sealed class QuotaSetsApiTests : IAsyncLifetime
{
    private readonly ImageApiSession _session = new();
    private IdentityClient.Member _member = null!;
    private string _memberToken = null!;

    public async Task InitializeAsync()
    {
        await _session.InitializeAsync();
        _member = await IdentityClient.CreateMemberAsync(_session.Client, _session.AdminToken, "quota-project", "quinn");
        _memberToken = await IdentityClient.LoginAsync(_session.Client, _member.UserName, _member.Password, "quota-project");
    }

    public Task DisposeAsync() => _session.DisposeAsync();

    private Database Database => _session.Factory.Services.GetRequiredService<Database>();

    private async Task<(HttpStatusCode Status, string Body)> Send(HttpMethod method, string path, string? json = null, string? token = null)
    {
        var response = await _session.Send(method, path, token, json is null ? null : ImageApiSession.Json(json));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private async Task AssertFault(HttpMethod method, string path, string? json, string? token, int code, string name, string message)
    {
        var (status, body) = await Send(method, path, json, token);
        Assert.Equal((HttpStatusCode)code, status);
        var messageJson = System.Text.Json.JsonSerializer.Serialize(message);
        JsonAssert.Equal($$$"""{"{{{name}}}": {"code": {{{code}}}, "message": {{{messageJson}}} }}""", body);
    }

    [Fact]
    public async Task Show_OwnProjectAsMember_ReturnsTheSeedDefaultsAsNovasSample()
    {
        var (status, body) = await Send(HttpMethod.Get, $"/v2.1/os-quota-sets/{_member.ProjectId}", token: _memberToken);

        Assert.Equal(HttpStatusCode.OK, status);
        JsonAssert.Equal(QuotaSetBodies.Show(_member.ProjectId), body);
    }

    [Fact]
    public async Task Show_OnTheLegacyV2AndV11Paths_IsTheSame()
    {
        foreach (var version in new[] { "v2", "v1.1" })
        {
            var (status, body) = await Send(HttpMethod.Get, $"/{version}/os-quota-sets/{_member.ProjectId}");
            Assert.Equal(HttpStatusCode.OK, status);
            JsonAssert.Equal(QuotaSetBodies.Show(_member.ProjectId), body);
        }
    }

    [Fact]
    public async Task Show_AnotherProjectAsMember_Returns403()
    {
        var other = await IdentityClient.CreateMemberAsync(_session.Client, _session.AdminToken, "other-project", "olga");

        await AssertFault(HttpMethod.Get, $"/v2.1/os-quota-sets/{other.ProjectId}", null, _memberToken,
            403, "forbidden", "Policy doesn't allow os_compute_api:os-quota-sets:show to be performed.");
        await AssertFault(HttpMethod.Get, $"/v2.1/os-quota-sets/{other.ProjectId}/detail", null, _memberToken,
            403, "forbidden", "Policy doesn't allow os_compute_api:os-quota-sets:detail to be performed.");
    }

    [Fact]
    public async Task Show_UnknownProject_Returns400AsNova()
    {
        await AssertFault(HttpMethod.Get, "/v2.1/os-quota-sets/no-such-project", null, null,
            400, "badRequest", "Project ID no-such-project is not a valid project.");
    }

    [Fact]
    public async Task Defaults_AnyProjectAsMember_AreTheSeedDefaultsEvenAfterAnUpdate()
    {
        await Send(HttpMethod.Put, $"/v2.1/os-quota-sets/{_member.ProjectId}", """{"quota_set": {"instances": 3}}""");
        var other = await IdentityClient.CreateMemberAsync(_session.Client, _session.AdminToken, "other-project", "olga");

        var (status, body) = await Send(HttpMethod.Get, $"/v2.1/os-quota-sets/{_member.ProjectId}/defaults", token: _memberToken);
        var (otherStatus, otherBody) = await Send(HttpMethod.Get, $"/v2.1/os-quota-sets/{other.ProjectId}/defaults", token: _memberToken);

        Assert.Equal(HttpStatusCode.OK, status);
        JsonAssert.Equal(QuotaSetBodies.Show(_member.ProjectId), body);
        Assert.Equal(HttpStatusCode.OK, otherStatus);
        JsonAssert.Equal(QuotaSetBodies.Show(other.ProjectId), otherBody);
    }

    [Fact]
    public async Task Detail_CountsTheProjectsServersThatAreNotDeleted()
    {
        await ServerRows.InsertAsync(Database, _member.ProjectId, vcpus: 2, memoryMb: 2048);
        await ServerRows.InsertAsync(Database, _member.ProjectId, vcpus: 1, memoryMb: 512);
        await ServerRows.InsertAsync(Database, _member.ProjectId, vcpus: 8, memoryMb: 16384, deleted: true);
        await ServerRows.InsertAsync(Database, "someone-else", vcpus: 4, memoryMb: 4096);

        var (status, body) = await Send(HttpMethod.Get, $"/v2.1/os-quota-sets/{_member.ProjectId}/detail", token: _memberToken);

        Assert.Equal(HttpStatusCode.OK, status);
        JsonAssert.Equal(QuotaSetBodies.Detail(_member.ProjectId, instances: 2, cores: 3, ram: 2560), body);
    }

    [Fact]
    public async Task Update_AsAdmin_AnswersWithoutIdAsNovasSample_AndShowSeesIt()
    {
        var (status, body) = await Send(HttpMethod.Put, $"/v2.1/os-quota-sets/{_member.ProjectId}", """{"quota_set": {"cores": 45}}""");

        Assert.Equal(HttpStatusCode.OK, status);
        JsonAssert.Equal(QuotaSetBodies.Updated(cores: 45), body);
        var (_, shown) = await Send(HttpMethod.Get, $"/v2.1/os-quota-sets/{_member.ProjectId}");
        JsonAssert.Equal(QuotaSetBodies.Show(_member.ProjectId, cores: 45), shown);
    }

    [Fact]
    public async Task Update_ForceAsNovasSample_SetsInstances()
    {
        var (status, body) = await Send(HttpMethod.Put, $"/v2.1/os-quota-sets/{_member.ProjectId}", """{"quota_set": {"force": "True", "instances": 45}}""");

        Assert.Equal(HttpStatusCode.OK, status);
        JsonAssert.Equal(QuotaSetBodies.Updated(instances: 45), body);
    }

    [Fact]
    public async Task Update_StringDigitsAndUnlimited_AreAccepted()
    {
        var (status, body) = await Send(HttpMethod.Put, $"/v2.1/os-quota-sets/{_member.ProjectId}", """{"quota_set": {"instances": "7", "cores": -1}}""");

        Assert.Equal(HttpStatusCode.OK, status);
        JsonAssert.Equal(QuotaSetBodies.Updated(instances: 7, cores: -1), body);
    }

    [Fact]
    public async Task Update_AsMember_Returns403_AndChangesNothing()
    {
        await AssertFault(HttpMethod.Put, $"/v2.1/os-quota-sets/{_member.ProjectId}", """{"quota_set": {"instances": 50}}""", _memberToken,
            403, "forbidden", "Policy doesn't allow os_compute_api:os-quota-sets:update to be performed.");

        var (_, shown) = await Send(HttpMethod.Get, $"/v2.1/os-quota-sets/{_member.ProjectId}");
        JsonAssert.Equal(QuotaSetBodies.Show(_member.ProjectId), shown);
    }

    [Fact]
    public async Task Update_BelowUsage_Returns400WithNovasMessage_UnlessForced()
    {
        await ServerRows.InsertAsync(Database, _member.ProjectId, vcpus: 4, memoryMb: 1024);
        await ServerRows.InsertAsync(Database, _member.ProjectId, vcpus: 4, memoryMb: 1024);

        await AssertFault(HttpMethod.Put, $"/v2.1/os-quota-sets/{_member.ProjectId}", """{"quota_set": {"instances": 5, "cores": 7}}""", null,
            400, "badRequest", "Quota limit 7 for cores must be greater than or equal to already used and reserved 8.");
        var (_, unchanged) = await Send(HttpMethod.Get, $"/v2.1/os-quota-sets/{_member.ProjectId}");
        JsonAssert.Equal(QuotaSetBodies.Show(_member.ProjectId), unchanged);

        var (exact, _) = await Send(HttpMethod.Put, $"/v2.1/os-quota-sets/{_member.ProjectId}", """{"quota_set": {"instances": 2}}""");
        Assert.Equal(HttpStatusCode.OK, exact);
        var (forced, body) = await Send(HttpMethod.Put, $"/v2.1/os-quota-sets/{_member.ProjectId}", """{"quota_set": {"cores": 1, "force": true}}""");
        Assert.Equal(HttpStatusCode.OK, forced);
        JsonAssert.Equal(QuotaSetBodies.Updated(instances: 2, cores: 1), body);
    }

    [Theory]
    [InlineData("""{"quota_set": {"instances": "abc"}}""", "Invalid input for field/attribute instances. Value: abc. 'abc' does not match '^-?[0-9]+$'")]
    [InlineData("""{"quota_set": {"cores": -2}}""", "Invalid input for field/attribute cores. Value: -2. -2 is less than the minimum of -1")]
    [InlineData("""{"quota_set": {"cores": "-2"}}""", "Invalid input for field/attribute cores. Value: -2. -2 is less than the minimum of -1")]
    [InlineData("""{"quota_set": {"ram": 2147483648}}""", "Invalid input for field/attribute ram. Value: 2147483648. 2147483648 is greater than the maximum of 2147483647")]
    [InlineData("""{"quota_set": {"instances": 1.5}}""", "Invalid input for field/attribute instances. Value: 1.5. 1.5 is not of type 'integer', 'string'")]
    [InlineData("""{"quota_set": {"instances": null}}""", "Invalid input for field/attribute instances. Value: None. None is not of type 'integer', 'string'")]
    [InlineData("""{"quota_set": {"instances": true}}""", "Invalid input for field/attribute instances. Value: True. True is not of type 'integer', 'string'")]
    [InlineData("""{"quota_set": {"foo": 1}}""", "Additional properties are not allowed ('foo' was unexpected)")]
    [InlineData("""{"quota_set": {"foo": 1, "bar": 2}}""", "Additional properties are not allowed ('foo', 'bar' were unexpected)")]
    [InlineData("""{"quota": {"instances": 1}}""", "'quota_set' is a required property")]
    [InlineData("""{"quota_set": {"instances": 1}, "extra": 1}""", "Additional properties are not allowed ('extra' was unexpected)")]
    [InlineData("""{"quota_set": {"force": 5}}""", "Invalid input for field/attribute force. Value: 5. 5 is not of type 'boolean', 'string'")]
    [InlineData("""{"quota_set": {"force": "maybe"}}""",
        "Invalid input for field/attribute force. Value: maybe. 'maybe' is not one of [True, 'True', 'TRUE', 'true', '1', 'ON', 'On', 'on', 'YES', 'Yes', 'yes', False, 'False', 'FALSE', 'false', '0', 'OFF', 'Off', 'off', 'NO', 'No', 'no']")]
    public async Task Update_InvalidBody_Returns400WithNovasSchemaMessage(string json, string message)
    {
        await AssertFault(HttpMethod.Put, $"/v2.1/os-quota-sets/{_member.ProjectId}", json, null, 400, "badRequest", message);
    }

    [Fact]
    public async Task Delete_AsAdmin_Returns202_AndTheDefaultsAreBack()
    {
        await Send(HttpMethod.Put, $"/v2.1/os-quota-sets/{_member.ProjectId}", """{"quota_set": {"instances": 3, "ram": 1024}}""");

        var (status, body) = await Send(HttpMethod.Delete, $"/v2.1/os-quota-sets/{_member.ProjectId}");

        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Equal("", body);
        var (_, shown) = await Send(HttpMethod.Get, $"/v2.1/os-quota-sets/{_member.ProjectId}");
        JsonAssert.Equal(QuotaSetBodies.Show(_member.ProjectId), shown);
    }

    [Fact]
    public async Task Delete_AsMember_Returns403()
    {
        await AssertFault(HttpMethod.Delete, $"/v2.1/os-quota-sets/{_member.ProjectId}", null, _memberToken,
            403, "forbidden", "Policy doesn't allow os_compute_api:os-quota-sets:delete to be performed.");
    }

    [Fact]
    public async Task KeyPairs_CountAgainstTheProjectsEffectiveLimit()
    {
        await Send(HttpMethod.Put, $"/v2.1/os-quota-sets/{_member.ProjectId}", """{"quota_set": {"key_pairs": 1}}""");

        var (first, _) = await Send(HttpMethod.Post, "/v2.1/os-keypairs", """{"keypair": {"name": "one"}}""", _memberToken);
        Assert.Equal(HttpStatusCode.OK, first);
        await AssertFault(HttpMethod.Post, "/v2.1/os-keypairs", """{"keypair": {"name": "two"}}""", _memberToken,
            403, "forbidden", "Quota exceeded, too many key pairs.");

        var (unlimited, _) = await Send(HttpMethod.Put, $"/v2.1/os-quota-sets/{_member.ProjectId}", """{"quota_set": {"key_pairs": -1}}""");
        Assert.Equal(HttpStatusCode.OK, unlimited);
        var (second, _) = await Send(HttpMethod.Post, "/v2.1/os-keypairs", """{"keypair": {"name": "two"}}""", _memberToken);
        Assert.Equal(HttpStatusCode.OK, second);
    }
}
