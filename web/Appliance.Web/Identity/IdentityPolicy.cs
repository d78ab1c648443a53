using Appliance.Core.Identity;

namespace Appliance.Web.Identity;

/// <summary>Keystone's admin-only rules as 403 ForbiddenAction errors naming the rule, e.g. identity:list_projects.</summary>
public static class IdentityPolicy
{
    public static void RequireAdmin(RequestContext context, string action)
    {
        if (!Policy.IsAdmin(context))
        {
            throw new KeystoneErrorException(KeystoneError.Forbidden(action));
        }
    }
}
