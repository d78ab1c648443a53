namespace Appliance.Core.Identity;

/// <summary>Who is asking: the user and project of a validated token and the roles it carries (implied ones included).</summary>
public sealed record RequestContext(
    string UserId,
    string UserName,
    Domain UserDomain,
    ScopedProject? Project,
    IReadOnlyList<RoleRef> Roles,
    IReadOnlyList<string> Methods,
    string AuditId,
    DateTimeOffset IssuedAt,
    DateTimeOffset ExpiresAt)
{
    public bool IsAdmin => HasRole(BuiltInRoles.Admin);

    public string? ProjectId => Project?.Id;

    public bool HasRole(string name) => Roles.Any(role => role.Name == name);
}

public sealed record ScopedProject(string Id, string Name, Domain Domain);

public sealed record RoleRef(string Id, string Name);

/// <summary>A token just issued: the secret goes to the client once, the context describes it.</summary>
public sealed record IssuedToken(string Secret, RequestContext Context);
