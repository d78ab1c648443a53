using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Appliance.Web.Faults;

/// <summary>Writes a fault as the response: status, JSON body (Neutron's under /network, Nova's elsewhere), Retry-After where it applies.</summary>
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

        if (FaultMap.ApiOf(context.Request) == FaultApi.Network)
        {
            await JsonSerializer.SerializeAsync(response.Body, NeutronBody(fault), cancellationToken: context.RequestAborted);
            return;
        }

        await JsonSerializer.SerializeAsync(response.Body, fault.ToBody(), cancellationToken: context.RequestAborted);
    }

    /// <summary>{"NeutronError": {"type", "message", "detail"}}, typed as Neutron's wsgi layer types a bare status.</summary>
    private static JsonObject NeutronBody(Fault fault) => new()
    {
        ["NeutronError"] = new JsonObject
        {
            ["type"] = fault.NeutronType ?? fault.Code switch
            {
                400 => "HTTPBadRequest",
                401 => "HTTPUnauthorized",
                403 => "HTTPForbidden",
                404 => "HTTPNotFound",
                405 => "HTTPMethodNotAllowed",
                409 => "HTTPConflict",
                413 => "HTTPRequestEntityTooLarge",
                415 => "HTTPUnsupportedMediaType",
                429 => "HTTPTooManyRequests",
                _ => "HTTPInternalServerError",
            },
            ["message"] = fault.Message,
            ["detail"] = "",
        },
    };
}
