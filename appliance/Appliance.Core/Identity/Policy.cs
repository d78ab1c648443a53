namespace Appliance.Core.Identity;

/// <summary>
/// Nova's and Keystone's default rules, reduced to what the appliance serves: the admin role may do
/// anything; members and readers act only inside their own project. Callers turn a "no" about another
/// project's resource into "not found", never "forbidden", so ids of others are not confirmed.
/// </summary>
public static class Policy
{
    public static bool IsAdmin(RequestContext context) => context.IsAdmin;

    /// <summary>Reading a project's resources: admin, or any role in that project.</summary>
    public static bool CanRead(RequestContext context, string projectId) =>
        context.IsAdmin || context.ProjectId == projectId;

    /// <summary>Changing a project's resources: admin, or the member role in that project (readers only read).</summary>
    public static bool CanWrite(RequestContext context, string projectId) =>
        context.IsAdmin || (context.ProjectId == projectId && context.HasRole(BuiltInRoles.Member));
}
