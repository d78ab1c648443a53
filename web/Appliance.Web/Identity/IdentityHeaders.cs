using Microsoft.AspNetCore.Http;

namespace Appliance.Web.Identity;

/// <summary>The token headers, and the identity headers that only an auth middleware may set (keystonemiddleware's list).</summary>
public static class IdentityHeaders
{
    public const string AuthToken = "X-Auth-Token";
    public const string SubjectToken = "X-Subject-Token";

    private static readonly string[] Forgeable =
    [
        "X-Identity-Status", "X-Service-Identity-Status",
        "X-Domain-Id", "X-Domain-Name",
        "X-Project-Id", "X-Project-Name", "X-Project-Domain-Id", "X-Project-Domain-Name",
        "X-User-Id", "X-User-Name", "X-User-Domain-Id", "X-User-Domain-Name",
        "X-Roles", "X-Service-Roles", "X-Service-Catalog", "X-Is-Admin-Project",
        "X-System-Scope", "X-Service-Token",
        "X-Tenant-Id", "X-Tenant-Name", "X-Tenant", "X-User", "X-Role",
    ];

    /// <summary>Drops every identity header a client sent (and the X-Service-* family), so nothing downstream can trust one.</summary>
    public static void StripForged(IHeaderDictionary headers)
    {
        foreach (var name in Forgeable)
        {
            headers.Remove(name);
        }

        foreach (var name in headers.Keys.Where(key => key.StartsWith("X-Service-", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            headers.Remove(name);
        }
    }
}
