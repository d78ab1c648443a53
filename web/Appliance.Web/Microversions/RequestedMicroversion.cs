using Microsoft.AspNetCore.Http;

namespace Appliance.Web.Microversions;

/// <summary>The microversion negotiated for this request; set by the microversion middleware.</summary>
public sealed record RequestedMicroversion(ApiVersion Version)
{
    public bool Supports(ApiVersion feature) => Version >= feature;
}

public static class RequestedMicroversionExtensions
{
    /// <summary>The request's microversion; legacy v2 routes and non-compute routes answer as 2.1's floor.</summary>
    public static ApiVersion ComputeVersion(this HttpContext context) =>
        context.Features.Get<RequestedMicroversion>()?.Version ?? ComputeMicroversions.Default;
}
