using Appliance.Web.Faults;
using Microsoft.AspNetCore.Http;

namespace Appliance.Web.Microversions;

/// <summary>
/// Negotiates the microversion of v2.1 compute requests: 400 for a malformed one, 406 for one out of
/// range, and every answer (errors too) echoes the version with Vary, as Nova's wsgi layer does.
/// </summary>
public sealed class MicroversionMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<MicroversionedEndpoint>() is null)
        {
            return next(context);
        }

        var requested = MicroversionHeaders.Requested(context.Request.Headers);
        if (!TryNegotiate(requested, out var version, out var fault))
        {
            return FaultWriter.WriteAsync(context, fault!);
        }

        context.Features.Set(new RequestedMicroversion(version));
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            headers[MicroversionHeaders.Current] = $"{MicroversionHeaders.ServiceType} {version}";
            headers[MicroversionHeaders.Legacy] = version.ToString();
            headers.Append("Vary", MicroversionHeaders.Current);
            headers.Append("Vary", MicroversionHeaders.Legacy);
            return Task.CompletedTask;
        });
        return next(context);
    }

    /// <summary>Nova's rules: none means the default, "latest" the maximum, anything else must parse and be in range.</summary>
    public static bool TryNegotiate(string? requested, out ApiVersion version, out Fault? fault)
    {
        fault = null;
        if (requested is null)
        {
            version = ComputeMicroversions.Default;
            return true;
        }

        if (string.Equals(requested, MicroversionHeaders.Latest, StringComparison.OrdinalIgnoreCase))
        {
            version = ComputeMicroversions.Maximum;
            return true;
        }

        if (!ApiVersion.TryParse(requested, out version))
        {
            fault = Fault.BadRequest(
                $"API Version String {requested} is of invalid format. Must be of format MajorNum.MinorNum.");
            return false;
        }

        if (version < ComputeMicroversions.Minimum || version > ComputeMicroversions.Maximum)
        {
            fault = new Fault(406,
                $"Version {version} is not supported by the API. Minimum is {ComputeMicroversions.Minimum} and maximum is {ComputeMicroversions.Maximum}.");
            return false;
        }

        return true;
    }
}

/// <summary>Endpoint metadata: this route is under microversion control (the v2.1 compute API).</summary>
public sealed class MicroversionedEndpoint
{
    public static readonly MicroversionedEndpoint Instance = new();
}
