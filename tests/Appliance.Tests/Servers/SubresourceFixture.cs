using System.Net;
using System.Text.Json;
using Appliance.Core.Servers;
using Appliance.Tests.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Appliance.Tests.Servers;

/// <summary>
/// One appliance shared by the sub-resource tests: the member of ServerApiSession, a reader of the same project and a
/// member of another project, plus ways to put a server into states the API cannot reach yet (locked, busy, ERROR).
/// </summary>
public sealed class SubresourceFixture : IAsyncLifetime
{
    public ServerApiSession Session { get; } = new();
    public string ReaderToken { get; private set; } = null!;
    public string OutsiderToken { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Session.InitializeAsync();
        ReaderToken = await ReaderOfMemberProjectAsync();
        var outsider = await IdentityClient.CreateMemberAsync(Session.Client, Session.AdminToken, "other-project", "other-user");
        OutsiderToken = await IdentityClient.LoginAsync(Session.Client, outsider.UserName, outsider.Password, "other-project");
    }

    public Task DisposeAsync() => Session.DisposeAsync();

    private readonly List<string> _servers = [];

    /// <summary>A new server of the member, waited for until ACTIVE; the servers of earlier tests go first, to stay within quota.</summary>
    public async Task<string> ActiveServerAsync(string name = "vm")
    {
        foreach (var earlier in _servers)
        {
            await Session.Send(HttpMethod.Delete, $"/v2.1/servers/{earlier}", token: Session.AdminToken);
        }

        _servers.Clear();
        await Session.Runner.WhenIdleAsync();
        var id = await Session.CreateServerAsync(name);
        _servers.Add(id);
        var server = await Session.WaitForStatusAsync(id, ["ACTIVE", "ERROR"]);
        Assert.True(server.GetProperty("status").GetString() == "ACTIVE", server.ToString());
        await Session.Runner.WhenIdleAsync();
        return id;
    }

    /// <summary>Sets columns straight in the store, for states no API reaches yet.</summary>
    public async Task SetColumnsAsync(string id, Dictionary<string, object?> columns) =>
        Assert.True(await Session.Factory.Services.GetRequiredService<ServerRepository>().UpdateAsync(id, columns));

    public Task<ServerRecord?> RecordAsync(string id) => Session.Factory.Services.GetRequiredService<ServerRepository>().FindAsync(id, includeDeleted: true);

    public async Task<(HttpStatusCode Status, string Body)> Send(HttpMethod method, string path, string? json = null, string? token = null,
        string? microversion = null)
    {
        var (status, body, _) = await Session.Send(method, path, json, token, microversion);
        return (status, body);
    }

    public static string Fault(string name, int code, string message) =>
        JsonSerializer.Serialize(new Dictionary<string, object> { [name] = new { code, message } });

    private async Task<string> ReaderOfMemberProjectAsync()
    {
        var client = Session.Client;
        var password = $"pw-{Guid.NewGuid():N}";
        var user = await IdentityClient.SendJsonAsync(client, IdentityClient.WithToken(HttpMethod.Post, "/identity/v3/users", Session.AdminToken,
            $$$"""{"user": {"name": "servers-reader", "password": "{{{password}}}", "default_project_id": "{{{Session.Member.ProjectId}}}"}}"""),
            HttpStatusCode.Created);
        var userId = user.GetProperty("user").GetProperty("id").GetString()!;
        var roleId = await IdentityClient.RoleIdAsync(client, Session.AdminToken, "reader");
        var grant = await client.SendAsync(IdentityClient.WithToken(HttpMethod.Put,
            $"/identity/v3/projects/{Session.Member.ProjectId}/users/{userId}/roles/{roleId}", Session.AdminToken));
        Assert.Equal(HttpStatusCode.NoContent, grant.StatusCode);
        return await IdentityClient.LoginAsync(client, "servers-reader", password, "servers-project");
    }
}
