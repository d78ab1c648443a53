using System.Net;
using System.Text;
using System.Text.Json;

namespace Appliance.Benchmarks.Reliability;

/// <summary>One answer: status, parsed body (default when empty or not JSON) and the request id the appliance gave it.</summary>
public sealed record ApiAnswer(HttpStatusCode Status, JsonElement Body, string? RequestId)
{
    public bool IsSuccess => (int)Status is >= 200 and < 300;

    public bool IsServerError => (int)Status >= 500;
}

/// <summary>
/// The compute, identity and image calls the reliability harnesses make, at one microversion. A request the process never
/// answered (killed, refused) throws HttpRequestException, TaskCanceledException or IOException: see <see cref="IsUnanswered"/>.
/// </summary>
public sealed class ComputeApi(HttpClient client)
{
    /// <summary>2.47: networks "none" is accepted, `locked` and the flavor shown inline.</summary>
    public const string Microversion = "2.47";

    public Uri BaseAddress => client.BaseAddress!;

    public async Task<ApiAnswer> SendAsync(HttpMethod method, string path, string token, string? json = null, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Add("X-Auth-Token", token);
        request.Headers.Add("OpenStack-API-Version", $"compute {Microversion}");
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        using var response = await client.SendAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        var body = default(JsonElement);
        if (text.Length > 0 && text[0] is '{' or '[')
        {
            body = JsonDocument.Parse(text).RootElement.Clone();
        }

        var requestId = response.Headers.TryGetValues("X-OpenStack-Request-ID", out var ids) ? ids.FirstOrDefault() : null;
        return new ApiAnswer(response.StatusCode, body, requestId);
    }

    /// <summary>As SendAsync, but anything other than the expected status is an error naming the call and the body.</summary>
    public async Task<JsonElement> ExpectAsync(HttpMethod method, string path, string token, string? json, HttpStatusCode expected,
        CancellationToken cancellationToken = default)
    {
        var answer = await SendAsync(method, path, token, json, cancellationToken);
        return answer.Status == expected
            ? answer.Body
            : throw new InvalidOperationException($"{method} {path} answered {(int)answer.Status}, not {(int)expected}: {answer.Body}");
    }

    /// <summary>Every server of every project (admin), with details, following the pages.</summary>
    public async Task<List<JsonElement>> AllServersAsync(string adminToken, CancellationToken cancellationToken = default)
    {
        var servers = new List<JsonElement>();
        var path = "/v2.1/servers/detail?all_tenants=1&limit=1000";
        while (true)
        {
            var page = await ExpectAsync(HttpMethod.Get, path, adminToken, null, HttpStatusCode.OK, cancellationToken);
            var items = page.GetProperty("servers").EnumerateArray().ToList();
            servers.AddRange(items);
            if (items.Count < 1000)
            {
                return servers;
            }

            path = $"/v2.1/servers/detail?all_tenants=1&limit=1000&marker={items[^1].GetProperty("id").GetString()}";
        }
    }

    /// <summary>True for the ways a request ends when the appliance was killed under it.</summary>
    public static bool IsUnanswered(Exception e) => e is HttpRequestException or TaskCanceledException or IOException;
}
