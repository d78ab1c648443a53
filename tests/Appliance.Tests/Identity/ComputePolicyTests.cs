using System.Net;
using Appliance.Core.Identity;
using Appliance.Tests.Hosting;

namespace Appliance.Tests.Identity;

/// <summary>Nova's default rules on a real admin-only compute route, and the policy helper's project scoping.</summary>
public sealed class ComputePolicyTests : IDisposable
{
    private readonly ApplianceFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task Member_CallingAdminComputeApi_Gets403Forbidden()
    {
        var client = _factory.CreateClient();
        var admin = await IdentityClient.AdminTokenAsync(client, _factory.DataDir);
        var member = await IdentityClient.CreateMemberAsync(client, admin, "crew", "deckhand");
        var token = await IdentityClient.LoginAsync(client, member.UserName, member.Password, "crew");

        var response = await client.SendAsync(IdentityClient.WithToken(HttpMethod.Get, "/v2.1/os-availability-zone/detail", token));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        JsonAssert.Equal("""{"forbidden": {"code": 403, "message": "Policy doesn't allow os-availability-zone:detail to be performed."}}""",
            await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Admin_SeesTheZoneDetail_WithThisHostRunningEveryService()
    {
        var client = _factory.CreateClient();
        var admin = await IdentityClient.AdminTokenAsync(client, _factory.DataDir);

        var body = await IdentityClient.SendJsonAsync(client, IdentityClient.WithToken(HttpMethod.Get, "/v2.1/os-availability-zone/detail", admin), HttpStatusCode.OK);

        var zones = body.GetProperty("availabilityZoneInfo").EnumerateArray().ToList();
        Assert.Equal(["internal", "nova"], zones.Select(zone => zone.GetProperty("zoneName").GetString()!).ToArray());
        var services = zones.SelectMany(zone => zone.GetProperty("hosts").GetProperty(Environment.MachineName).EnumerateObject())
            .Select(service => (service.Name, Up: service.Value.GetProperty("active").GetBoolean() && service.Value.GetProperty("available").GetBoolean()))
            .ToArray();
        Assert.Equal([("nova-conductor", true), ("nova-scheduler", true), ("nova-compute", true)], services);
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}$",
            zones[1].GetProperty("hosts").GetProperty(Environment.MachineName).GetProperty("nova-compute").GetProperty("updated_at").GetString());
    }

    private static RequestContext Context(string projectId, params string[] roles) => new(
        "u", "user", Domain.Default, new ScopedProject(projectId, "p", Domain.Default),
        [.. BuiltInRoles.Expand(roles).Select(role => new RoleRef(role, role))], ["password"], "audit",
        DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddHours(1));

    [Theory]
    [InlineData("reader", "mine", true, false)]
    [InlineData("member", "mine", true, true)]
    [InlineData("member", "theirs", false, false)]
    [InlineData("admin", "theirs", true, true)]
    public void Policy_ScopesMembersAndReadersToTheirProject(string role, string owner, bool canRead, bool canWrite)
    {
        var context = Context("mine", role);

        Assert.Equal(canRead, Policy.CanRead(context, owner));
        Assert.Equal(canWrite, Policy.CanWrite(context, owner));
    }

    [Fact]
    public void AdminRole_ImpliesMemberAndReader()
    {
        Assert.Equal(["admin", "member", "reader"], BuiltInRoles.Expand(["admin"]).ToArray());
        Assert.Equal(["member", "reader"], BuiltInRoles.Expand(["member"]).ToArray());
    }
}
