namespace Appliance.Core.Identity;

/// <summary>Keystone's bootstrap roles and their implications: admin implies member, member implies reader.</summary>
public static class BuiltInRoles
{
    public const string Admin = "admin";
    public const string Member = "member";
    public const string Reader = "reader";

    /// <summary>The roles a token carries for a set of directly assigned ones, as Keystone expands implied roles.</summary>
    public static IEnumerable<string> Expand(IEnumerable<string> direct)
    {
        foreach (var role in direct)
        {
            yield return role;
            if (role == Admin)
            {
                yield return Member;
                yield return Reader;
            }
            else if (role == Member)
            {
                yield return Reader;
            }
        }
    }
}
