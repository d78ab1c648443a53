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

    /// <summary>A fault as an endpoint result, for handlers that return typed results.</summary>
    public static IResult AsResult(this Fault fault) => new FaultResult(fault);

    private sealed class FaultResult(Fault fault) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext) => WriteAsync(httpContext, fault);
    }
}
