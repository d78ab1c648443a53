using Appliance.Core.Identity;
using Appliance.Core.Networks;
using Appliance.Web.Identity;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Appliance.Web.Network;

/// <summary>What floating IP handlers need, bound as one [AsParameters] bundle: the request, the floating IPs, the ports the caller sees.</summary>
public sealed class FloatingIpRequestServices(HttpContext http, [FromServices] FloatingIpService floatingIps, [FromServices] NetworkQueries networks)
{
    public HttpContext Http { get; } = http;
    public FloatingIpService FloatingIps { get; } = floatingIps;
    public NetworkQueries Networks { get; } = networks;

    public HttpRequest Request => Http.Request;

    public RequestContext Caller => Http.RequireRequestContext();

    public CancellationToken Aborted => Http.RequestAborted;
}
