using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Appliance.Web.Faults;

/// <summary>Writes a fault as the response: status, JSON body, Retry-After where it applies.</summary>
public static class FaultWriter
{
    public static async Task WriteAsync(HttpContext context, Fault fault)
    {
        var response = context.Response;
        response.StatusCode = fault.Code;
        response.ContentType = "application/json; charset=UTF-8";
        if (fault.RetryAfterSeconds is { } retryAfter)
        {
            response.Headers.RetryAfter = retryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        await JsonSerializer.SerializeAsync(response.Body, fault.ToBody(), cancellationToken: context.RequestAborted);
    }
}
