namespace Appliance.Core.Identity;

/// <summary>A Keystone domain; the appliance has one, <see cref="Default"/>.</summary>
public sealed record Domain(string Id, string Name)
{
    public const string DefaultId = "default";
    public static readonly Domain Default = new(DefaultId, "Default");
}

public sealed record Project(string Id, string DomainId, string Name, string? Description, bool Enabled, IReadOnlyList<string> Tags);

public sealed record User(string Id, string DomainId, string Name, bool Enabled, string? DefaultProjectId, string? Description, string? Email);

public sealed record Role(string Id, string Name, string? Description, bool Immutable);

/// <summary>A user's role on a project, with the names a listing shows.</summary>
public sealed record RoleAssignment(
    string UserId, string UserName, string UserDomainId,
    string ProjectId, string ProjectName, string ProjectDomainId,
    string RoleId, string RoleName);
