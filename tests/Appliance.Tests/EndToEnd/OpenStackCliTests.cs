using System.Text.Json;
using Appliance.Benchmarks;
using Appliance.Tests.Hosting;
using Appliance.Tests.Identity;

namespace Appliance.Tests.EndToEnd;

/// <summary>
/// Debian's python3-openstackclient against the real appliance process, logged in with the admin-openrc
/// the appliance wrote on first start: the path every real OpenStack client takes before compute.
/// </summary>
[Trait("Tier", "e2e")]
public sealed class OpenStackCliTests
{
    [Fact]
    public async Task OpenStackCli_IssuesTokens_ListsTheCatalog_AndManagesProjectsUsersAndRoles()
    {
        OpenStackCli.AssertInstalled();
        using var dir = new TempDataDir();
        await using var appliance = await ApplianceProcess.ServeAsync(dir.Path);
        var admin = IdentityClient.ReadOpenRc(dir.Path);
        Assert.Equal($"{appliance.BaseUrl}/identity", admin["OS_AUTH_URL"]);

        var token = Json(await OpenStackAsync(admin, "token", "issue", "-f", "json"));
        Assert.Matches("^[A-Za-z0-9_-]{43}$", token.GetProperty("id").GetString());

        var catalog = Json(await OpenStackAsync(admin, "catalog", "list", "-f", "json"));
        var services = catalog.EnumerateArray().ToDictionary(service => service.GetProperty("Type").GetString()!, service => service);
        Assert.Equal(["compute", "identity", "image", "network"], services.Keys.Order().ToArray());
        Assert.Equal($"{appliance.BaseUrl}/v2.1", PublicUrl(services["compute"]));
        Assert.Equal($"{appliance.BaseUrl}/image", PublicUrl(services["image"]));
        Assert.Equal($"{appliance.BaseUrl}/identity", PublicUrl(services["identity"]));
        Assert.Equal($"{appliance.BaseUrl}/network", PublicUrl(services["network"]));

        var project = Json(await OpenStackAsync(admin, "project", "create", "demo", "-f", "json"));
        var password = $"u1-{Guid.NewGuid():N}";
        var user = Json(await OpenStackAsync(admin, "user", "create", "--project", "demo", "--password", password, "u1", "-f", "json"));
        Assert.Equal(project.GetProperty("id").GetString(), user.GetProperty("default_project_id").GetString());
        await OpenStackAsync(admin, "role", "add", "--user", "u1", "--project", "demo", "member");

        var assignments = Json(await OpenStackAsync(admin, "role", "assignment", "list", "--names", "-f", "json"));
        Assert.Contains(assignments.EnumerateArray(), row =>
            row.GetProperty("Role").GetString() == "member" && row.GetProperty("User").GetString() == "u1@Default" && row.GetProperty("Project").GetString() == "demo@Default");

        var u1 = new Dictionary<string, string>(admin) { ["OS_USERNAME"] = "u1", ["OS_PASSWORD"] = password, ["OS_PROJECT_NAME"] = "demo" };
        var u1Token = Json(await OpenStackAsync(u1, "token", "issue", "-f", "json"));
        Assert.Equal(project.GetProperty("id").GetString(), u1Token.GetProperty("project_id").GetString());
        Assert.Equal(user.GetProperty("id").GetString(), u1Token.GetProperty("user_id").GetString());

        var wrong = new Dictionary<string, string>(u1) { ["OS_PASSWORD"] = "not-" + password };
        var refused = await RunOpenStackAsync(wrong, "token", "issue");
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("The request you have made requires authentication. (HTTP 401)", refused.Stderr);

        await OpenStackAsync(admin, "user", "set", "--password", password + "-2", "u1");
        var u1Rotated = new Dictionary<string, string>(u1) { ["OS_PASSWORD"] = password + "-2" };
        var rotated = Json(await OpenStackAsync(u1Rotated, "token", "issue", "-f", "json"));
        Assert.Equal(user.GetProperty("id").GetString(), rotated.GetProperty("user_id").GetString());

        await OpenStackAsync(admin, "role", "remove", "--user", "u1", "--project", "demo", "member");
        await OpenStackAsync(admin, "user", "delete", "u1");
        await OpenStackAsync(admin, "project", "delete", "demo");
        var projects = Json(await OpenStackAsync(admin, "project", "list", "-f", "json"));
        Assert.Equal(["admin"], projects.EnumerateArray().Select(row => row.GetProperty("Name").GetString()!).ToArray());
    }

    private static string? PublicUrl(JsonElement service) => service.GetProperty("Endpoints").EnumerateArray()
        .Single(endpoint => endpoint.GetProperty("interface").GetString() == "public" && endpoint.GetProperty("region").GetString() == "RegionOne")
        .GetProperty("url").GetString();

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();

    private static Task<string> OpenStackAsync(IReadOnlyDictionary<string, string> openrc, params string[] args) =>
        new OpenStackCli(openrc).OkAsync(args);

    private static Task<(int ExitCode, string Stdout, string Stderr)> RunOpenStackAsync(IReadOnlyDictionary<string, string> openrc, params string[] args) =>
        new OpenStackCli(openrc).RunAsync(args);
}
