using Appliance.Core.Configuration;
using Appliance.Core.Identity;
using Microsoft.AspNetCore.Http;

namespace Appliance.Web.Identity;

/// <summary>What identity handlers need, bound as one [AsParameters] bundle.</summary>
public sealed class IdentityRequestServices(
    HttpContext http,
    ApplianceOptions options,
    DomainService domains,
    ProjectService projects,
    UserService users,
    RoleService roles,
    AssignmentService assignments,
    TokenService tokens,
    Authenticator authenticator)
{
    public HttpContext Http { get; } = http;
    public ApplianceOptions Options { get; } = options;
    public DomainService Domains { get; } = domains;
    public ProjectService Projects { get; } = projects;
    public UserService Users { get; } = users;
    public RoleService Roles { get; } = roles;
    public AssignmentService Assignments { get; } = assignments;
    public TokenService Tokens { get; } = tokens;
    public Authenticator Authenticator { get; } = authenticator;

    /// <summary>The caller; identity routes that reach a handler have one unless marked WithoutToken.</summary>
    public RequestContext Caller => Http.RequireRequestContext();

    public string V3Url => IdentityUrls.V3(Http.Request, Options);

    public CancellationToken Aborted => Http.RequestAborted;
}
