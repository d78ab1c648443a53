using Appliance.Core.Identity;
using Appliance.Core.Networks;
using Appliance.Web.Identity;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Appliance.Web.Network;

/// <summary>What Network API handlers need, bound as one [AsParameters] bundle: the request, the network reads and writes.</summary>
public sealed class NeutronRequestServices(HttpContext http, [FromServices] NetworkQueries networks, [FromServices] NetworkWrites writes)
{
    public HttpContext Http { get; } = http;
    public NetworkQueries Networks { get; } = networks;
    public NetworkWrites Writes { get; } = writes;

    public HttpRequest Request => Http.Request;

    /// <summary>The caller; the token check before routing lets no request through without one.</summary>
    public RequestContext Caller => Http.RequireRequestContext();

    public CancellationToken Aborted => Http.RequestAborted;
}
