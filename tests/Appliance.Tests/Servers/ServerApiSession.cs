using System.Net;
using System.Text.Json;
using Appliance.Core.Configuration;
using Appliance.Core.Servers;
using Appliance.Tests.Hosting;
using Appliance.Tests.Identity;
using Appliance.Tests.Images;
using Microsoft.Extensions.DependencyInjection;

namespace Appliance.Tests.Servers;

/// <summary>An appliance on test:///default with an admin token, a member project and a small active image to boot.</summary>
public sealed class ServerApiSession : IAsyncLifetime
{
    /// <summary>Changes to the appliance's options before it starts (a class fixture needs the one parameterless constructor).</summary>
    public Action<ApplianceOptions>? Configure { get; init; }

    /// <summary>Changes to the appliance's services after its own registrations, e.g. a driver wrapped by the test.</summary>
    public Action<IServiceCollection>? ConfigureServices { get; init; }

    public ApplianceFactory Factory { get; private set; } = null!;
    public HttpClient Client { get; private set; } = null!;
    public string AdminToken { get; private set; } = null!;
    public IdentityClient.Member Member { get; private set; } = null!;
    public string MemberToken { get; private set; } = null!;
    public string ImageId { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Factory = new ApplianceFactory(configure: options =>
        {
            options.Servers.PowerSyncInterval = TimeSpan.FromSeconds(1);
            Configure?.Invoke(options);
        }, services: ConfigureServices);
        Client = Factory.CreateClient();
        AdminToken = await IdentityClient.AdminTokenAsync(Client, Factory.DataDir);
        Member = await IdentityClient.CreateMemberAsync(Client, AdminToken, "servers-project", "servers-user");
        MemberToken = await IdentityClient.LoginAsync(Client, Member.UserName, Member.Password, "servers-project");
        ImageId = await CreateActiveImageAsync();
    }

    public Task DisposeAsync()
    {
        Factory.Dispose();
        return Task.CompletedTask;
    }

    public ServerTaskRunner Runner => Factory.Services.GetRequiredService<ServerTaskRunner>();

    public async Task<string> CreateActiveImageAsync(string visibility = "public")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/image/v2/images")
        {
            Content = ImageApiSession.Json($$"""{"name": "tiny", "disk_format": "qcow2", "container_format": "bare", "visibility": "{{visibility}}"}"""),
        };
        request.Headers.Add("X-Auth-Token", AdminToken);
        var created = await Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await ImageApiSession.Body(created)).GetProperty("id").GetString()!;
        var upload = new HttpRequestMessage(HttpMethod.Put, $"/image/v2/images/{id}/file") { Content = ImageApiSession.Bytes(ImageApiSession.Qcow2("64M")) };
        upload.Headers.Add("X-Auth-Token", AdminToken);
        Assert.Equal(HttpStatusCode.NoContent, (await Client.SendAsync(upload)).StatusCode);
        return id;
    }

    public async Task<(HttpStatusCode Status, string Body, HttpResponseMessage Response)> Send(HttpMethod method, string path, string? json = null,
        string? token = null, string? microversion = null)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Add("X-Auth-Token", token ?? MemberToken);
        if (microversion is not null)
        {
            request.Headers.Add("OpenStack-API-Version", $"compute {microversion}");
        }

        if (json is not null)
        {
            request.Content = ImageApiSession.Json(json);
        }

        var response = await Client.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response);
    }

    /// <summary>Creates one server as the member and returns its id; fails the test unless the answer is 202.</summary>
    public async Task<string> CreateServerAsync(string name = "vm", string extra = "", string? token = null)
    {
        var (status, body, _) = await Send(HttpMethod.Post, "/v2.1/servers",
            $$$"""{"server": {"name": "{{{name}}}", "imageRef": "{{{ImageId}}}", "flavorRef": "42"{{{extra}}}}}""", token);
        Assert.True(status == HttpStatusCode.Accepted, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("server").GetProperty("id").GetString()!;
    }

    /// <summary>Polls GET /servers/{id} until the status is one of those given, within the timeout.</summary>
    public Task<JsonElement> WaitForStatusAsync(string id, string[] statuses, TimeSpan? timeout = null, string? token = null) =>
        WaitForServerAsync(id, server => statuses.Contains(server.GetProperty("status").GetString()), $"reach {string.Join("/", statuses)}", timeout, token);

    /// <summary>Polls GET /servers/{id} until the server's view satisfies the condition, within the timeout.</summary>
    public async Task<JsonElement> WaitForServerAsync(string id, Func<JsonElement, bool> until, string what, TimeSpan? timeout = null, string? token = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var (status, body, _) = await Send(HttpMethod.Get, $"/v2.1/servers/{id}", token: token ?? AdminToken);
            if (status == HttpStatusCode.OK)
            {
                var server = JsonDocument.Parse(body).RootElement.GetProperty("server").Clone();
                if (until(server))
                {
                    return server;
                }
            }

            Assert.True(DateTime.UtcNow < deadline, $"server {id} did not {what}: {status} {body}");
            await Task.Delay(50);
        }
    }
}
