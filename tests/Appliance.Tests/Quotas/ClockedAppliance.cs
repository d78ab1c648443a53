using System.Globalization;
using System.Net;
using Appliance.Core.Configuration;
using Appliance.Core.Store;
using Appliance.Tests.Hosting;
using Appliance.Tests.Identity;
using Appliance.Tests.Images;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Appliance.Tests.Quotas;

/// <summary>An appliance on a hand-moved clock (so rate-limit windows end when the test says), with an admin token.</summary>
public sealed class ClockedAppliance(Action<ApplianceOptions>? configure = null) : IAsyncLifetime
{
    /// <summary>A whole second, so "next-available" (shown to the second) is exact.</summary>
    public static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly ApplianceFactory _appliance = new(configure: configure);
    private WebApplicationFactory<Program> _factory = null!;

    public ManualClock Clock { get; } = new(Start);
    public HttpClient Client { get; private set; } = null!;
    public string AdminToken { get; private set; } = null!;
    public Database Database => _factory.Services.GetRequiredService<Database>();

    public async Task InitializeAsync()
    {
        _factory = _appliance.WithWebHostBuilder(web => web.ConfigureServices(services => services.AddSingleton<TimeProvider>(Clock)));
        Client = _factory.CreateClient();
        AdminToken = await IdentityClient.AdminTokenAsync(Client, _appliance.DataDir);
    }

    public Task DisposeAsync()
    {
        _factory.Dispose();
        _appliance.Dispose();
        return Task.CompletedTask;
    }

    public static string Iso(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public async Task<HttpResponseMessage> Send(HttpMethod method, string path, string? token = null, string? json = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = json is null ? null : ImageApiSession.Json(json) };
        request.Headers.Add("X-Auth-Token", token ?? AdminToken);
        return await Client.SendAsync(request);
    }

    public async Task<(HttpStatusCode Status, string Body)> SendText(HttpMethod method, string path, string? token = null, string? json = null)
    {
        var response = await Send(method, path, token, json);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}
