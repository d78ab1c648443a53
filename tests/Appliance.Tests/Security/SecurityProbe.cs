using System.Net.Http.Headers;

namespace Appliance.Tests.Security;

/// <summary>One answer, with everything found wrong in it: a 5xx, a wrong error body, a leak.</summary>
public sealed record ProbeResult(int Status, string Body, List<string> Problems);

/// <summary>Sends one request to the in-process appliance and checks the answer against the rules every answer must keep.</summary>
public static partial class SecurityProbe
{
    public static async Task<ProbeResult> SendAsync(TwoProjectAppliance appliance, HttpMethod method, string path, string? token,
        RequestBody? body = null, string? microversion = null, IEnumerable<string>? mustNotShow = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (token is not null)
        {
            request.Headers.Add("X-Auth-Token", token);
        }

        if (microversion is not null)
        {
            request.Headers.Add("OpenStack-API-Version", $"compute {microversion}");
        }

        if (body is not null)
        {
            request.Content = new ByteArrayContent(body.Bytes);
            if (body.ContentType is not null)
            {
                request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(body.ContentType);
            }
        }

        using var response = await appliance.Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var status = (int)response.StatusCode;
        var problems = Check(appliance.Leaks, $"{method} {path}", status, response, text);
        foreach (var identifier in mustNotShow ?? [])
        {
            // An id the caller put in the URL may come back in the message ("Image X could not be found"); anything else is a leak.
            if (text.Contains(identifier, StringComparison.Ordinal) && !Uri.UnescapeDataString(path).Contains(identifier, StringComparison.Ordinal))
            {
                problems.Add($"shows foreign {identifier}");
            }
        }

        return new ProbeResult(status, text, problems);
    }

    /// <summary>The checks every answer gets: no 5xx, the service's error shape, no secret, stack trace or host path in body or headers.</summary>
    public static List<string> Check(LeakScanner leaks, string what, int status, HttpResponseMessage response, string body)
    {
        var problems = new List<string>();
        var service = ApiRoute.ServiceOf(response.RequestMessage?.RequestUri?.AbsolutePath ?? "/");
        if (status >= 500)
        {
            problems.Add($"{status}");
        }

        if (response.RequestMessage?.Method != HttpMethod.Head
            && ErrorBodies.Problem(service, status, response.Content.Headers.ContentType?.ToString(), body) is { } shape)
        {
            problems.Add(shape);
        }

        // A create answers with the secret it made or was given, once: a new server's adminPass, a generated key pair's private key.
        if (status is >= 200 and < 300 && response.RequestMessage?.Method == HttpMethod.Post)
        {
            body = HandedOut().Replace(body, "\"$1\": \"(handed out)\"");
        }

        // The status page's HTML names its own static assets (_content/Appliance.Web/...): only secrets and frames count there.
        problems.AddRange(leaks.Scan("body", body, allowTypeNames: service == ApiService.StatusPage));
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
        {
            // Keystone hands the token it issued or validated back in X-Subject-Token: that is the point of the call.
            if (name.Equals("X-Subject-Token", StringComparison.OrdinalIgnoreCase) && service == ApiService.Identity)
            {
                continue;
            }

            problems.AddRange(leaks.Scan($"header {name}", string.Join(", ", values)));
        }

        return problems;
    }

    [System.Text.RegularExpressions.GeneratedRegex("\"(adminPass|private_key)\"\\s*:\\s*\"(?:[^\"\\\\]|\\\\.)*\"")]
    private static partial System.Text.RegularExpressions.Regex HandedOut();
}
