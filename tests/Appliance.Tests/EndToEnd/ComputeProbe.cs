using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Appliance.Tests.Identity;

namespace Appliance.Tests.EndToEnd;

/// <summary>
/// Watches servers of a running appliance through the Compute API as an admin: status and console output, polled
/// over plain HTTP so that waiting does not start the CLI's Python every second on a two-core machine.
/// </summary>
internal sealed class ComputeProbe : IDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    /// <summary>A console read is a POST, and Nova's rate limit allows a project 120 POSTs a minute: half of them for this.</summary>
    private static readonly TimeSpan ConsolePoll = TimeSpan.FromSeconds(1);

    /// <summary>The first microversion whose servers show `locked`.</summary>
    private const string Microversion = "2.9";

    private readonly HttpClient _client;
    private readonly string _token;

    private ComputeProbe(HttpClient client, string token)
    {
        _client = client;
        _token = token;
    }

    public static async Task<ComputeProbe> ConnectAsync(string baseUrl, IReadOnlyDictionary<string, string> openrc)
    {
        var client = new HttpClient { BaseAddress = new Uri(baseUrl) };
        var token = await IdentityClient.LoginAsync(client, openrc["OS_USERNAME"], openrc["OS_PASSWORD"], openrc["OS_PROJECT_NAME"]);
        return new ComputeProbe(client, token);
    }

    /// <summary>A probe over a client of the test's own (e.g. one that reaches an appliance in a namespace through its unix socket).</summary>
    public static async Task<ComputeProbe> ConnectAsync(HttpClient client, IReadOnlyDictionary<string, string> openrc)
    {
        var token = await IdentityClient.LoginAsync(client, openrc["OS_USERNAME"], openrc["OS_PASSWORD"], openrc["OS_PROJECT_NAME"]);
        return new ComputeProbe(client, token);
    }

    public async Task<JsonElement> ServerAsync(string id)
    {
        var (status, body) = await SendAsync(HttpMethod.Get, $"/v2.1/servers/{id}", null);
        Assert.True(status == HttpStatusCode.OK, $"GET server {id}: {status} {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("server").Clone();
    }

    /// <summary>Waits (<see cref="Timeout"/> unless told otherwise) until the server shows the status with no task running; returns it.</summary>
    public async Task<JsonElement> WaitForStatusAsync(string id, string expected, TimeSpan? within = null)
    {
        var deadline = within ?? Timeout;
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var server = await ServerAsync(id);
            if (server.GetProperty("status").GetString() == expected && server.GetProperty("OS-EXT-STS:task_state").ValueKind == JsonValueKind.Null)
            {
                return server;
            }

            Assert.True(watch.Elapsed < deadline, $"server {id} not {expected} within {deadline.TotalSeconds} s: {server}");
            await Task.Delay(250);
        }
    }

    public async Task<string> ConsoleAsync(string id)
    {
        var (status, body) = await SendAsync(HttpMethod.Post, $"/v2.1/servers/{id}/action", """{"os-getConsoleOutput": {}}""");
        Assert.True(status == HttpStatusCode.OK, $"console of {id}: {status} {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("output").GetString()!;
    }

    /// <summary>Returns the console text once it satisfies the condition (within <see cref="Timeout"/> unless told otherwise); fails with the text seen so far otherwise.</summary>
    public async Task<string> WaitForConsoleAsync(string id, Func<string, bool> condition, string what, TimeSpan? within = null)
    {
        var deadline = within ?? Timeout;
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var text = await ConsoleAsync(id);
            if (condition(text))
            {
                return text;
            }

            Assert.True(watch.Elapsed < deadline, $"no {what} on the console of {id} within {deadline.TotalSeconds} s:\n{text}");
            await Task.Delay(ConsolePoll);
        }
    }

    /// <summary>
    /// The console text once it has stopped changing: two reads a poll apart agree. Of a guest that stands (paused), output
    /// written just before may still be on its way to the log, later the busier the host is.
    /// </summary>
    public async Task<string> WaitForSteadyConsoleAsync(string id)
    {
        var watch = Stopwatch.StartNew();
        var text = await ConsoleAsync(id);
        while (true)
        {
            await Task.Delay(ConsolePoll);
            var again = await ConsoleAsync(id);
            if (again == text)
            {
                return text;
            }

            Assert.True(watch.Elapsed < Timeout, $"the console of {id} still changed after {Timeout.TotalSeconds} s:\n{again}");
            text = again;
        }
    }

    public async Task<(HttpStatusCode Status, string Body)> SendAsync(HttpMethod method, string path, string? json)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Add("X-Auth-Token", _token);
        request.Headers.Add("OpenStack-API-Version", $"compute {Microversion}");
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        using var response = await _client.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    public void Dispose() => _client.Dispose();
}
