namespace Appliance.Tests.Security;

/// <summary>
/// What another project's caller may get from a route that names one of this project's resources. The default,
/// for every route with an id not listed here, is 404: the resource does not exist for them. Keys are
/// "METHOD pattern" without the compute version prefix; a key that no longer matches a route fails the suite.
/// </summary>
public static class IsolationRules
{
    /// <summary>Admin-only routes: any member, of the owning project or another, gets 403 (the policy rule is named).</summary>
    public static readonly IReadOnlyDictionary<string, string> AdminOnly = new Dictionary<string, string>
    {
        ["POST /flavors"] = "os_compute_api:os-flavor-manage:create",
        ["DELETE /flavors/{id}"] = "os_compute_api:os-flavor-manage:delete",
        ["POST /flavors/{id}/os-extra_specs"] = "os_compute_api:os-flavor-extra-specs:create",
        ["PUT /flavors/{id}/os-extra_specs/{key}"] = "os_compute_api:os-flavor-extra-specs:update",
        ["DELETE /flavors/{id}/os-extra_specs/{key}"] = "os_compute_api:os-flavor-extra-specs:delete",
        ["GET /flavors/{id}/os-flavor-access"] = "os_compute_api:os-flavor-access",
        ["POST /flavors/{id}/action"] = "os_compute_api:os-flavor-access:add_tenant_access / remove_tenant_access",
        ["PUT /os-quota-sets/{projectId}"] = "os_compute_api:os-quota-sets:update",
        ["DELETE /os-quota-sets/{projectId}"] = "os_compute_api:os-quota-sets:delete",
        ["GET /network/v2.0/quotas"] = "get_quota",
        ["PUT /network/v2.0/quotas/{projectId}"] = "update_quota",
        ["DELETE /network/v2.0/quotas/{projectId}"] = "delete_quota",
        ["GET /identity/v3/users"] = "identity:list_users",
        ["POST /identity/v3/users"] = "identity:create_user",
        ["PATCH /identity/v3/users/{userId}"] = "identity:update_user",
        ["DELETE /identity/v3/users/{userId}"] = "identity:delete_user",
        ["GET /identity/v3/projects"] = "identity:list_projects",
        ["POST /identity/v3/projects"] = "identity:create_project",
        ["PATCH /identity/v3/projects/{projectId}"] = "identity:update_project",
        ["DELETE /identity/v3/projects/{projectId}"] = "identity:delete_project",
        ["GET /identity/v3/roles"] = "identity:list_roles",
        ["POST /identity/v3/roles"] = "identity:create_role",
        ["GET /identity/v3/roles/{roleId}"] = "identity:get_role",
        ["DELETE /identity/v3/roles/{roleId}"] = "identity:delete_role",
        ["GET /identity/v3/domains"] = "identity:list_domains",
        ["GET /identity/v3/domains/{domainId}"] = "identity:get_domain",
        ["GET /identity/v3/role_assignments"] = "identity:list_role_assignments",
        ["GET /identity/v3/projects/{projectId}/users/{userId}/roles"] = "identity:list_grants",
        ["PUT /identity/v3/projects/{projectId}/users/{userId}/roles/{roleId}"] = "identity:create_grant",
        ["GET /identity/v3/projects/{projectId}/users/{userId}/roles/{roleId}"] = "identity:check_grant",
        ["HEAD /identity/v3/projects/{projectId}/users/{userId}/roles/{roleId}"] = "identity:check_grant",
        ["DELETE /identity/v3/projects/{projectId}/users/{userId}/roles/{roleId}"] = "identity:revoke_grant",
    };

    /// <summary>Routes with an id where a foreign caller gets 403, not 404, because the id is a project's and Nova's rule says so.</summary>
    public static readonly IReadOnlyDictionary<string, string> ForeignForbidden = new Dictionary<string, string>
    {
        ["GET /os-quota-sets/{projectId}"] = "Nova checks os_compute_api:os-quota-sets:show against the project in the URL (403); quotas are not a resource to hide",
        ["GET /os-quota-sets/{projectId}/detail"] = "as show: os_compute_api:os-quota-sets:detail is 403 for another project",
        ["GET /network/v2.0/quotas/{projectId}"] = "Neutron checks get_quota against the project in the URL (403), as Nova's quota sets",
        ["GET /network/v2.0/quotas/{projectId}/details"] = "as show: get_quota is 403 for another project",
        ["GET /network/v2.0/quotas/{projectId}/default"] = "Neutron asks get_quota of another project's defaults too (403)",
    };

    /// <summary>Routes another project may read on purpose, each with why; the tests prove the resource really is public.</summary>
    public static readonly IReadOnlyDictionary<string, string> ForeignVisible = new Dictionary<string, string>
    {
        ["GET /os-quota-sets/{projectId}/defaults"] = "Nova's rule for the defaults is \"@\": the same numbers for every project, nothing of the project's own",
        ["GET /network/v2.0/extensions/{alias}"] = "Neutron's extensions describe the service, the same for every caller; no project owns one",
    };

    /// <summary>Routes whose owner, too, gets 404 for the values the fixture can give, so no control call can prove the id real.</summary>
    public static readonly IReadOnlyDictionary<string, string> NoOwnerControl = new Dictionary<string, string>
    {
    };

    /// <summary>Lists that must show the caller's own resources, proving the list filter is not simply empty.</summary>
    public static readonly IReadOnlySet<string> ListsOfOwnResources = new HashSet<string>
    {
        "GET /servers", "GET /servers/detail", "GET /os-keypairs", "GET /images", "GET /images/detail", "GET /image/v2/images",
        "GET /flavors", "GET /flavors/detail", "GET /identity/v3/auth/projects",
        "GET /network/v2.0/networks", "GET /network/v2.0/subnets", "GET /network/v2.0/ports",
    };

    /// <summary>Query strings that ask a list for more than the caller's own; each must be ignored or refused for a member.</summary>
    public static readonly string[] ForeignListQueries =
    [
        "", "?all_tenants=1", "?all_tenants=True&project_id={A}", "?project_id={A}", "?tenant_id={A}", "?user_id={userA}", "?owner={A}",
        "?visibility=all", "?visibility=private", "?visibility=shared", "?member_status=all", "?is_public=None", "?is_public=false", "?deleted=true",
        "?name={nameA}", "?scope.project.id={A}", "?user.id={userA}",
    ];
}
