using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;

namespace Appliance.Web.Faults;

/// <summary>Gives routing's bodiless 404 and 405 answers a Nova fault body.</summary>
public static class StatusCodeFaults
{
    public static IApplicationBuilder UseStatusCodeFaults(this IApplicationBuilder app) =>
        app.UseStatusCodePages(async context =>
        {
            var http = context.HttpContext;
            Fault? fault = http.Response.StatusCode switch
            {
                StatusCodes.Status404NotFound => Fault.NotFound(),
                StatusCodes.Status405MethodNotAllowed => Fault.MethodNotAllowed(http.Request.Method),
                StatusCodes.Status413PayloadTooLarge => new Fault(413, Fault.RequestTooLargeMessage),
                StatusCodes.Status415UnsupportedMediaType => new Fault(415, Fault.UnsupportedContentTypeMessage),
                >= 400 and < 500 => new Fault(http.Response.StatusCode, "The request could not be served."),
                >= 500 => Fault.Unexpected(),
                _ => null,
            };
            if (fault is not null)
            {
                await FaultWriter.WriteAsync(http, fault);
            }
        });
}
