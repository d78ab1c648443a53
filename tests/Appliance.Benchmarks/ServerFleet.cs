using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;

namespace Appliance.Benchmarks;

/// <summary>
/// The API calls the servers benchmark needs on a fresh appliance: an admin token, projects the admin is a
/// member of (tokens rescoped from the admin's, so no password hashing per project), a bootable image, and servers.
/// </summary>
public sealed class ServerFleet(HttpClient client, string adminToken, string adminUserId)
{
    /// <summary>The first compute microversion whose create takes networks "auto" or "none".</summary>
    public const string NetworksMicroversion = "2.37";

    public string AdminToken => adminToken;

    public static async Task<ServerFleet> ConnectAsync(HttpClient client, string dataDir)
    {
        var password = File.ReadAllLines(Path.Combine(dataDir, "admin-openrc"))
            .Single(line => line.StartsWith("export OS_PASSWORD=", StringComparison.Ordinal))["export OS_PASSWORD=".Length..];
        var body = JsonSerializer.Serialize(new
        {
            auth = new
            {
                identity = new { methods = new[] { "password" }, password = new { user = new { name = "admin", domain = new { id = "default" }, password } } },
                scope = new { project = new { name = "admin", domain = new { id = "default" } } },
            },
        });
        using var response = await client.PostAsync("/identity/v3/auth/tokens?nocatalog", new StringContent(body, Encoding.UTF8, "application/json"));
        var token = await ExpectAsync(response, HttpStatusCode.Created);
        return new ServerFleet(client, response.Headers.GetValues("X-Subject-Token").Single(),
            token.GetProperty("token").GetProperty("user").GetProperty("id").GetString()!);
    }

    /// <summary>New projects with the admin as member (or with another role), and a token scoped to each.</summary>
    public async Task<List<string>> ProjectTokensAsync(string prefix, int count, string role = "member") =>
        (await ProjectsAsync(prefix, count, role)).Select(project => project.Token).ToList();

    /// <summary>New projects with the admin holding <paramref name="role"/> there, each with its id and a token scoped to it.</summary>
    public async Task<List<Reliability.ProjectAccess>> ProjectsAsync(string prefix, int count, string role = "member")
    {
        var roles = await SendAsync(HttpMethod.Get, $"/identity/v3/roles?name={role}", adminToken, null, HttpStatusCode.OK);
        var memberRole = roles.GetProperty("roles")[0].GetProperty("id").GetString();
        var projects = new List<Reliability.ProjectAccess>(count);
        for (var i = 0; i < count; i++)
        {
            var project = await SendAsync(HttpMethod.Post, "/identity/v3/projects", adminToken,
                $$$"""{"project": {"name": "{{{prefix}}}-{{{i}}}"}}""", HttpStatusCode.Created);
            var projectId = project.GetProperty("project").GetProperty("id").GetString()!;
            await SendAsync(HttpMethod.Put, $"/identity/v3/projects/{projectId}/users/{adminUserId}/roles/{memberRole}", adminToken, null, HttpStatusCode.NoContent);
            var rescopeBody = JsonSerializer.Serialize(new
            {
                auth = new { identity = new { methods = new[] { "token" }, token = new { id = adminToken } }, scope = new { project = new { id = projectId } } },
            });
            using var rescope = await client.PostAsync("/identity/v3/auth/tokens?nocatalog", new StringContent(rescopeBody, Encoding.UTF8, "application/json"));
            await ExpectAsync(rescope, HttpStatusCode.Created);
            projects.Add(new Reliability.ProjectAccess(projectId, rescope.Headers.GetValues("X-Subject-Token").Single()));
        }

        return projects;
    }

    /// <summary>
    /// A public qcow2 uploaded through Glance: the file given (e.g. the test guest's disk), else 64 MiB made empty (so tiny
    /// on disk) with qemu-img.
    /// </summary>
    public async Task<string> UploadImageAsync(string? file = null)
    {
        var image = await SendAsync(HttpMethod.Post, "/image/v2/images", adminToken,
            """{"name": "bench-tiny", "disk_format": "qcow2", "container_format": "bare", "visibility": "public"}""", HttpStatusCode.Created);
        var id = image.GetProperty("id").GetString()!;
        var path = file ?? Path.Combine(Path.GetTempPath(), $"appliance-bench-{Guid.NewGuid():N}.qcow2");
        if (file is null)
        {
            using var qemuImg = Process.Start("qemu-img", ["create", "-q", "-f", "qcow2", path, "64M"]);
            await qemuImg.WaitForExitAsync();
        }

        using var upload = new HttpRequestMessage(HttpMethod.Put, $"/image/v2/images/{id}/file") { Content = new ByteArrayContent(await File.ReadAllBytesAsync(path)) };
        if (file is null)
        {
            File.Delete(path);
        }

        upload.Content.Headers.ContentType = new("application/octet-stream");
        upload.Headers.Add("X-Auth-Token", adminToken);
        using var uploaded = await client.SendAsync(upload);
        await ExpectAsync(uploaded, HttpStatusCode.NoContent);
        return id;
    }

    /// <summary>
    /// POST /servers as the token's project; the new server's id. Without <paramref name="networks"/> it is a 2.1 create
    /// (no networks: one NIC on the default network); with it ("auto" or "none"), a 2.37 create asking for that.
    /// </summary>
    public async Task<string> CreateServerAsync(string token, string name, string imageId, string? networks = null)
    {
        var created = networks is null
            ? await SendAsync(HttpMethod.Post, "/v2.1/servers", token,
                $$$"""{"server": {"name": "{{{name}}}", "imageRef": "{{{imageId}}}", "flavorRef": "42"}}""", HttpStatusCode.Accepted)
            : await SendAsync(HttpMethod.Post, "/v2.1/servers", token,
                $$$"""{"server": {"name": "{{{name}}}", "imageRef": "{{{imageId}}}", "flavorRef": "42", "networks": "{{{networks}}}"}}""",
                HttpStatusCode.Accepted, NetworksMicroversion);
        return created.GetProperty("server").GetProperty("id").GetString()!;
    }

    public async Task<string> StatusAsync(string id) => (await ServerAsync(id)).GetProperty("status").GetString()!;

    /// <summary>GET /servers/{id} as the admin: the server object (status, addresses ...).</summary>
    public async Task<JsonElement> ServerAsync(string id) =>
        (await SendAsync(HttpMethod.Get, $"/v2.1/servers/{id}", adminToken, null, HttpStatusCode.OK)).GetProperty("server");

    /// <summary>DELETE /servers/{id} as the token's project, then polls until GET answers 404: guest, ports and row gone.</summary>
    public async Task DeleteServerAsync(string token, string id, TimeSpan within)
    {
        await SendAsync(HttpMethod.Delete, $"/v2.1/servers/{id}", token, null, HttpStatusCode.NoContent);
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/v2.1/servers/{id}");
            request.Headers.Add("X-Auth-Token", adminToken);
            using var response = await client.SendAsync(request);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return;
            }

            if (response.StatusCode != HttpStatusCode.OK || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"server {id} still there {within} after its delete (GET answered {(int)response.StatusCode}): " +
                    await response.Content.ReadAsStringAsync());
            }

            await Task.Delay(2);
        }
    }

    /// <summary>How many servers of all projects have the status (up to the page limit of 1000).</summary>
    public async Task<int> CountAsync(string status)
    {
        var list = await SendAsync(HttpMethod.Get, $"/v2.1/servers?all_tenants=1&status={status}", adminToken, null, HttpStatusCode.OK);
        return list.GetProperty("servers").GetArrayLength();
    }

    /// <summary>The request as the token, answered with <paramref name="expected"/>; with a compute microversion, in both headers clients send.</summary>
    public async Task<JsonElement> SendAsync(HttpMethod method, string path, string token, string? json, HttpStatusCode expected, string? microversion = null)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Add("X-Auth-Token", token);
        if (microversion is not null)
        {
            request.Headers.Add("OpenStack-API-Version", $"compute {microversion}");
            request.Headers.Add("X-OpenStack-Nova-API-Version", microversion);
        }

        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        using var response = await client.SendAsync(request);
        return await ExpectAsync(response, expected);
    }

    private static async Task<JsonElement> ExpectAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != expected)
        {
            throw new InvalidOperationException($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}, not {(int)expected}: {text}");
        }

        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }
}
