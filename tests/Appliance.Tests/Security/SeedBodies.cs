using System.Text;
using Appliance.Web.Compute.Servers;

namespace Appliance.Tests.Security;

/// <summary>A request body as bytes with its declared media type (null: no Content-Type header).</summary>
public sealed record RequestBody(string? ContentType, byte[] Bytes)
{
    public static RequestBody Json(string json, string contentType = "application/json") => new(contentType, Encoding.UTF8.GetBytes(json));

    public string Text => Encoding.UTF8.GetString(Bytes);
}

/// <summary>
/// Valid bodies for every route that takes one: what the isolation matrix sends so a refusal cannot come from
/// validation before the ownership check, and the corpus the fuzzer mutates. Server actions come from the
/// registry itself, so a new action gets a generic body at least.
/// </summary>
public static class SeedBodies
{
    /// <summary>A password only the fuzzer sends; it must never reach a log line.</summary>
    public const string CanaryPassword = "Canary-Pw-7f3e9c1a-never-logged";

    /// <summary>Valid arguments for each server action; an action missing here gets <c>null</c> (and the matrix says so if that is refused).</summary>
    public static readonly IReadOnlyDictionary<string, string> ActionArguments = new Dictionary<string, string>
    {
        ["os-getConsoleOutput"] = """{"length": 10}""",
        ["reboot"] = """{"type": "SOFT"}""",
        ["createImage"] = """{"name": "fuzz-snapshot", "metadata": {"k": "v"}}""",
        ["changePassword"] = $$$"""{"adminPass": "{{{CanaryPassword}}}"}""",
        // ImageMarker stands for the public image's id, known only once the appliance runs.
        ["rebuild"] = $$$"""{"imageRef": "{{{ImageMarker}}}", "name": "rebuilt", "adminPass": "{{{CanaryPassword}}}"}""",
        ["resize"] = """{"flavorRef": "1"}""",
        ["addSecurityGroup"] = """{"name": "default"}""",
        ["removeSecurityGroup"] = """{"name": "default"}""",
    };

    private const string ImageMarker = "@public-image";

    public static IEnumerable<string> ActionNames => ServerActionRegistry.Handlers.Keys.Order(StringComparer.Ordinal);

    public static RequestBody Action(string name, string publicImageId) =>
        RequestBody.Json("{\"" + name + "\": " + ActionArguments.GetValueOrDefault(name, "null").Replace(ImageMarker, publicImageId) + "}");

    /// <summary>The valid bodies for <paramref name="route"/> (empty when it takes none); <paramref name="valueOf"/> gives the URL's parameter values.</summary>
    public static IReadOnlyList<RequestBody> For(ApiRoute route, Func<string, string> valueOf, string publicImageId, string otherProjectId)
    {
        var unique = Guid.NewGuid().ToString("N")[..8];
        return route.Key switch
        {
            "POST /servers" =>
            [
                RequestBody.Json($$$"""{"server": {"name": "fz-{{{unique}}}", "imageRef": "{{{publicImageId}}}", "flavorRef": "42"}}"""),
                RequestBody.Json($$$"""{"server": {"name": "fz-{{{unique}}}", "imageRef": "{{{publicImageId}}}", "flavorRef": "42", "adminPass": "{{{CanaryPassword}}}", "metadata": {"a": "b"}, "user_data": "aGVsbG8=", "config_drive": true, "min_count": 1, "max_count": 2, "return_reservation_id": false}}"""),
                RequestBody.Json($$$"""{"server": {"name": "fz-{{{unique}}}", "flavorRef": "42", "block_device_mapping_v2": [{"boot_index": 0, "uuid": "{{{publicImageId}}}", "source_type": "image", "destination_type": "local"}], "networks": "none", "tags": ["t"], "description": "d"}}"""),
            ],
            "PUT /servers/{id}" => [RequestBody.Json("""{"server": {"name": "renamed", "accessIPv4": "192.0.2.1", "OS-DCF:diskConfig": "AUTO"}}""")],
            "POST /servers/{id}/action" => ActionNames.Select(name => Action(name, publicImageId)).ToList(),
            "POST /servers/{id}/metadata" or "PUT /servers/{id}/metadata" or "POST /images/{imageId}/metadata" or "PUT /images/{imageId}/metadata" =>
                [RequestBody.Json("""{"metadata": {"fz": "v"}}""")],
            "PUT /servers/{id}/metadata/{key}" or "PUT /images/{imageId}/metadata/{key}" =>
                [RequestBody.Json($$$"""{"meta": {"{{{valueOf("key")}}}": "v"}}""")],
            "PUT /servers/{id}/tags" => [RequestBody.Json("""{"tags": ["fz-a", "fz-b"]}""")],
            "POST /servers/{id}/os-interface" => [RequestBody.Json("""{"interfaceAttachment": {}}""")],
            "POST /os-keypairs" =>
            [
                RequestBody.Json($$$"""{"keypair": {"name": "fz-{{{unique}}}"}}"""),
                RequestBody.Json($$$"""{"keypair": {"name": "fz-{{{unique}}}", "type": "ssh", "public_key": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl fz"}}"""),
            ],
            "POST /flavors" => [RequestBody.Json($$$"""{"flavor": {"name": "fz-{{{unique}}}", "ram": 256, "vcpus": 1, "disk": 1, "os-flavor-access:is_public": false}}""")],
            "POST /flavors/{id}/os-extra_specs" => [RequestBody.Json("""{"extra_specs": {"fz:key": "v"}}""")],
            "PUT /flavors/{id}/os-extra_specs/{key}" => [RequestBody.Json($$$"""{"{{{valueOf("key")}}}": "v"}""")],
            "POST /flavors/{id}/action" =>
            [
                RequestBody.Json($$$"""{"addTenantAccess": {"tenant": "{{{otherProjectId}}}"}}"""),
                RequestBody.Json($$$"""{"removeTenantAccess": {"tenant": "{{{otherProjectId}}}"}}"""),
            ],
            "PUT /os-quota-sets/{projectId}" => [RequestBody.Json("""{"quota_set": {"instances": 10, "cores": 20, "force": false}}""")],
            "POST /identity/v3/users" => [RequestBody.Json($$$"""{"user": {"name": "fz-{{{unique}}}", "password": "{{{CanaryPassword}}}", "enabled": true}}""")],
            "PATCH /identity/v3/users/{userId}" => [RequestBody.Json("""{"user": {"description": "changed"}}""")],
            "POST /identity/v3/projects" => [RequestBody.Json($$$"""{"project": {"name": "fz-{{{unique}}}", "description": "d"}}""")],
            "PATCH /identity/v3/projects/{projectId}" => [RequestBody.Json("""{"project": {"description": "changed"}}""")],
            "POST /identity/v3/roles" => [RequestBody.Json($$$"""{"role": {"name": "fz-{{{unique}}}"}}""")],
            "POST /identity/v3/auth/tokens" =>
            [
                RequestBody.Json(Appliance.Tests.Identity.IdentityClient.PasswordAuthBody("nobody-" + unique, CanaryPassword, project: null)),
                RequestBody.Json("""{"auth": {"identity": {"methods": ["token"], "token": {"id": "not-a-token"}}, "scope": {"project": {"id": "x"}}}}"""),
            ],
            "POST /image/v2/images" => [RequestBody.Json($$$"""{"name": "fz-{{{unique}}}", "disk_format": "qcow2", "container_format": "bare", "visibility": "private", "tags": ["t"], "min_ram": 0}""")],
            "PATCH /image/v2/images/{id}" =>
            [
                RequestBody.Json("""[{"op": "replace", "path": "/name", "value": "renamed"}, {"op": "add", "path": "/fz_prop", "value": "v"}]""", "application/openstack-images-v2.1-json-patch"),
            ],
            "PUT /image/v2/images/{id}/file" => [new RequestBody("application/octet-stream", Encoding.ASCII.GetBytes("QFI\u00fb not really a qcow2 image"))],
            "POST /network/v2.0/networks" => [RequestBody.Json($$$"""{"network": {"name": "fz-{{{unique}}}", "admin_state_up": true, "description": "d"}}""")],
            "PUT /network/v2.0/networks/{networkId}" => [RequestBody.Json("""{"network": {"name": "renamed", "description": "d"}}""")],
            // 198.18.0.0/15 is the benchmarking range: no host route of a test machine covers it, so the create is accepted.
            "POST /network/v2.0/subnets" =>
                [RequestBody.Json($$$"""{"subnet": {"network_id": "{{{valueOf("networkId")}}}", "cidr": "198.18.{{{Random.Shared.Next(0, 255)}}}.0/24", "ip_version": 4, "dns_nameservers": ["198.18.0.1"]}}""")],
            "POST /network/v2.0/ports" => [RequestBody.Json($$$"""{"port": {"network_id": "{{{valueOf("networkId")}}}", "name": "fz-{{{unique}}}"}}""")],
            // Neutron's defaults: an admin's seeded PUT leaves the tenant's creates as they were.
            "PUT /network/v2.0/quotas/{projectId}" => [RequestBody.Json("""{"quota": {"network": 100, "subnet": 100, "port": 500}}""")],
            "PUT /network/v2.0/ports/{portId}" => [RequestBody.Json("""{"port": {"name": "renamed"}}""")],
            "POST /network/v2.0/floatingips" => [RequestBody.Json("""{"floatingip": {"floating_network_id": "fz-unknown-network", "description": "d"}}""")],
            "PUT /network/v2.0/floatingips/{floatingIpId}" => [RequestBody.Json("""{"floatingip": {"description": "changed"}}""")],
            "POST /network/v2.0/floatingips/{floatingIpId}/port_forwardings" =>
                [RequestBody.Json($$$"""{"port_forwarding": {"protocol": "tcp", "external_port": {{{Random.Shared.Next(1024, 65535)}}}, "internal_port": 80, "internal_port_id": "{{{valueOf("portId")}}}", "internal_ip_address": "10.0.0.5"}}""")],
            "PUT /network/v2.0/floatingips/{floatingIpId}/port_forwardings/{forwardingId}" => [RequestBody.Json("""{"port_forwarding": {"description": "changed"}}""")],
            "POST /network/v2.0/security-groups" => [RequestBody.Json($$$"""{"security_group": {"name": "fz-{{{unique}}}", "description": "d"}}""")],
            "PUT /network/v2.0/security-groups/{securityGroupId}" => [RequestBody.Json("""{"security_group": {"name": "renamed", "description": "d"}}""")],
            "POST /network/v2.0/security-group-rules" =>
                [RequestBody.Json($$$"""{"security_group_rule": {"security_group_id": "{{{valueOf("securityGroupId")}}}", "direction": "ingress", "protocol": "tcp", "port_range_min": {{{Random.Shared.Next(1000, 60000)}}}, "port_range_max": 60000}}""")],
            _ => [],
        };
    }
}
