using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Appliance.Tests.Identity;

/// <summary>The steps identity tests share: reading admin-openrc, logging in, making a member of a new project.</summary>
public static class IdentityClient
{
    public sealed record Member(string ProjectId, string UserId, string UserName, string Password);

    /// <summary>OS_* values from DATA_DIR/admin-openrc.</summary>
    public static Dictionary<string, string> ReadOpenRc(string dataDir) => File.ReadAllLines(Path.Combine(dataDir, "admin-openrc"))
        .Where(line => line.StartsWith("export ", StringComparison.Ordinal))
        .Select(line => line["export ".Length..].Split('=', 2))
        .ToDictionary(pair => pair[0], pair => pair[1]);

    public static string AdminPassword(string dataDir) => ReadOpenRc(dataDir)["OS_PASSWORD"];

    public static string PasswordAuthBody(string user, string password, string? project) =>
        new JsonObject
        {
            ["auth"] = new JsonObject
            {
                ["identity"] = new JsonObject
                {
                    ["methods"] = new JsonArray("password"),
                    ["password"] = new JsonObject
                    {
                        ["user"] = new JsonObject { ["name"] = user, ["domain"] = new JsonObject { ["name"] = "Default" }, ["password"] = password },
                    },
                },
                ["scope"] = project is null ? null : new JsonObject
                {
                    ["project"] = new JsonObject { ["name"] = project, ["domain"] = new JsonObject { ["id"] = "default" } },
                },
            },
        }.ToJsonString();

    public static Task<HttpResponseMessage> PostTokenAsync(HttpClient client, string body) =>
        client.PostAsync("/identity/v3/auth/tokens", new StringContent(body, Encoding.UTF8, "application/json"));

    /// <summary>Logs in and returns the token secret; fails the test unless Keystone answers 201.</summary>
    public static async Task<string> LoginAsync(HttpClient client, string user, string password, string? project)
    {
        var response = await PostTokenAsync(client, PasswordAuthBody(user, password, project));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return response.Headers.GetValues("X-Subject-Token").Single();
    }

    public static Task<string> AdminTokenAsync(HttpClient client, string dataDir) => LoginAsync(client, "admin", AdminPassword(dataDir), "admin");

    public static HttpRequestMessage WithToken(HttpMethod method, string path, string token, string? jsonBody = null)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Add("X-Auth-Token", token);
        if (jsonBody is not null)
        {
            request.Content = new StringContent(jsonBody, Encoding.UTF8, "application/json");
        }

        return request;
    }

    /// <summary>As admin: a new project, a user in it with the given role, via the Keystone API.</summary>
    public static async Task<Member> CreateMemberAsync(HttpClient client, string adminToken, string projectName, string userName, string role = "member")
    {
        var project = await SendJsonAsync(client, WithToken(HttpMethod.Post, "/identity/v3/projects", adminToken,
            $$$"""{"project": {"name": "{{{projectName}}}"}}"""), HttpStatusCode.Created);
        return await AddUserAsync(client, adminToken, project.GetProperty("project").GetProperty("id").GetString()!, userName, role);
    }

    /// <summary>As admin: a user in an existing project with the given role, via the Keystone API.</summary>
    public static async Task<Member> AddUserAsync(HttpClient client, string adminToken, string projectId, string userName, string role = "member")
    {
        var password = $"pw-{Guid.NewGuid():N}";
        var user = await SendJsonAsync(client, WithToken(HttpMethod.Post, "/identity/v3/users", adminToken,
            $$$"""{"user": {"name": "{{{userName}}}", "password": "{{{password}}}", "default_project_id": "{{{projectId}}}"}}"""), HttpStatusCode.Created);
        var userId = user.GetProperty("user").GetProperty("id").GetString()!;
        var roleId = await RoleIdAsync(client, adminToken, role);
        var grant = await client.SendAsync(WithToken(HttpMethod.Put, $"/identity/v3/projects/{projectId}/users/{userId}/roles/{roleId}", adminToken));
        Assert.Equal(HttpStatusCode.NoContent, grant.StatusCode);
        return new Member(projectId, userId, userName, password);
    }

    public static async Task<string> RoleIdAsync(HttpClient client, string adminToken, string name)
    {
        var roles = await SendJsonAsync(client, WithToken(HttpMethod.Get, $"/identity/v3/roles?name={name}", adminToken), HttpStatusCode.OK);
        return roles.GetProperty("roles").EnumerateArray().Single().GetProperty("id").GetString()!;
    }

    public static async Task<JsonElement> SendJsonAsync(HttpClient client, HttpRequestMessage request, HttpStatusCode expected)
    {
        var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"{request.Method} {request.RequestUri}: expected {expected}, got {response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>()).Clone();
}
