using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Appliance.Core.Configuration;
using Appliance.Tests.Hosting;
using Appliance.Tests.Identity;

namespace Appliance.Tests.Images;

/// <summary>An appliance with an admin token, and the image calls the image tests share.</summary>
public sealed class ImageApiSession(Action<ApplianceOptions>? configure = null) : IAsyncLifetime
{
    public ApplianceFactory Factory { get; } = new(configure: configure);
    public HttpClient Client { get; private set; } = null!;
    public string AdminToken { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Client = Factory.CreateClient();
        AdminToken = await IdentityClient.AdminTokenAsync(Client, Factory.DataDir);
    }

    public Task DisposeAsync()
    {
        Factory.Dispose();
        return Task.CompletedTask;
    }

    public Task<HttpResponseMessage> Send(HttpMethod method, string path, string? token = null, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Add("X-Auth-Token", token ?? AdminToken);
        return Client.SendAsync(request);
    }

    public static StringContent Json(string json, string mediaType = "application/json")
    {
        var content = new StringContent(json, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        return content;
    }

    public static ByteArrayContent Bytes(byte[] data)
    {
        var content = new ByteArrayContent(data);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return content;
    }

    /// <summary>Creates an image record and returns its id; fails the test unless Glance answers 201.</summary>
    public async Task<string> CreateImage(string json, string? token = null)
    {
        var response = await Send(HttpMethod.Post, "/image/v2/images", token, Json(json));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, text);
        return JsonDocument.Parse(text).RootElement.GetProperty("id").GetString()!;
    }

    public async Task<string> CreateActiveImage(string json, byte[] data, string? token = null)
    {
        var id = await CreateImage(json, token);
        var upload = await Send(HttpMethod.Put, $"/image/v2/images/{id}/file", token, Bytes(data));
        Assert.True(upload.StatusCode == HttpStatusCode.NoContent, await upload.Content.ReadAsStringAsync());
        return id;
    }

    public static byte[] Qcow2(string size)
    {
        var path = Path.Combine(Path.GetTempPath(), $"appliance-test-{Guid.NewGuid():N}.qcow2");
        using (var process = Process.Start(new ProcessStartInfo("qemu-img", ["create", "-f", "qcow2", path, size]) { RedirectStandardOutput = true })!)
        {
            process.WaitForExit();
            Assert.Equal(0, process.ExitCode);
        }

        var bytes = File.ReadAllBytes(path);
        File.Delete(path);
        return bytes;
    }

    public static async Task<JsonElement> Body(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
}
