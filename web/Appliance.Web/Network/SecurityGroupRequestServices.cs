using Appliance.Core.Identity;
using Appliance.Core.Networks;
using Appliance.Web.Identity;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Appliance.Web.Network;

/// <summary>What the security group handlers need, bound as one [AsParameters] bundle: the request and the group service.</summary>
public sealed class SecurityGroupRequestServices(HttpContext http, [FromServices] SecurityGroupService groups)
{
    public HttpContext Http { get; } = http;
    public SecurityGroupService Groups { get; } = groups;

    public HttpRequest Request => Http.Request;

    /// <summary>The caller; the token check before routing lets no request through without one.</summary>
    public RequestContext Caller => Http.RequireRequestContext();

    public CancellationToken Aborted => Http.RequestAborted;
}
