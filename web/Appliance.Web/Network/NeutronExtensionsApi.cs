using System.Text.Json.Serialization;
using Appliance.Web.Faults;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Appliance.Web.Network;

/// <summary>
/// /v2.0/extensions: exactly the extensions whose attributes the views carry, so a client that asks before it uses
/// one (openstacksdk, Terraform) never relies on something the appliance does not serve.
/// </summary>
public static class NeutronExtensionsApi
{
    public sealed record Extension(
        [property: JsonPropertyName("alias")] string Alias,
        [property: JsonPropertyName("name")] string Name,
        [property: JsonPropertyName("description")] string Description,
        [property: JsonPropertyName("updated")] string Updated,
        [property: JsonPropertyName("links")] IReadOnlyList<string> Links);

    public sealed record ExtensionList([property: JsonPropertyName("extensions")] IReadOnlyList<Extension> Extensions);

    public sealed record OneExtension([property: JsonPropertyName("extension")] Extension Extension);

    private static readonly Extension[] Served =
    [
        New("external-net", "Neutron external network", "Adds external network attribute to network resource."),
        New("net-mtu", "Network MTU", "Provides MTU attribute for a network resource."),
        New("provider", "Provider Network", "Expose mapping of virtual networks to physical networks"),
        New("binding", "Port Binding", "Expose port bindings of a virtual port to external application"),
        New("port-security", "Port Security", "Provides port security"),
        New("allowed-address-pairs", "Allowed Address Pairs", "Provides allowed address pairs"),
        New("extra_dhcp_opt", "Neutron Extra DHCP options", "Extra options configuration for DHCP. For example PXE boot options to DHCP clients can be specified (e.g. tftp-server, server-ip-address, bootfile-name)"),
        New("availability_zone", "Availability Zone", "The availability zone extension."),
        New("network_availability_zone", "Network Availability Zone", "Availability zone support for network."),
        New("l2_adjacency", "L2 Adjacency", "Display L2 Adjacency for Neutron Networks."),
        New("project-id", "project_id field enabled", "Extension that indicates that project_id field is enabled."),
        New("standard-attr-description", "standard-attr-description", "Extension to add descriptions to standard attributes"),
        New("standard-attr-revisions", "Resource revision numbers", "This extension will display the revision number of neutron resources."),
        New("quotas", "Quotas", "Per-project limits on networks, subnets and ports: read by the project, set and reset by an admin"),
        New("quota_details", "Quota details", "Each quota's limit next to what the project uses of it"),
        New("security-group", "security-group", "The security groups extension."),
        New("stateful-security-group", "Stateful security group", "Indicates if the security group is stateful or not"),
        New("security-groups-normalized-cidr", "Normalized CIDR field for security group rules", "Add new field with normalized remote_ip_prefix cidr in SG rule"),
        New("security-groups-remote-address-group", "Remote address group id field for security group rules", "Add new field of remote address group id in SG rules"),
        New("security-groups-shared-filtering", "Security group filtering on the shared field", "Support filtering security groups on the shared field"),
        New("security-groups-rules-belongs-to-default-sg", "Security group rule belongs to the project's default security group", "Flag to determine if the security group rule belongs to the project's default security group"),
        New("standard-attr-timestamp", "Resource timestamps", "Adds created_at and updated_at fields to all Neutron resources that have Neutron standard attributes."),
        // Floating IPs without routers: the host NATs between an external bridge and the appliance's own networks.
        New("floatingip-port-forwarding", "Floating IP Port Forwarding", "Allows forwarding of one port of a floating IP to a port of a fixed IP"),
        New("expose-port-forwarding-in-fip", "Expose port forwardings in a floating IP", "Expose the port forwardings of a floating IP"),
        New("fip-port-details", "Floating IP Port Details Extension", "Add port_details attribute to Floating IP resource"),
    ];

    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet(NeutronApi.V2 + "/extensions", List);
        routes.MapGet(NeutronApi.V2 + "/extensions/{alias}", Show);
    }

    private static Ok<ExtensionList> List() => TypedResults.Ok(new ExtensionList(Served));

    private static Ok<OneExtension> Show(string alias) =>
        Served.FirstOrDefault(extension => extension.Alias == alias) is { } extension
            ? TypedResults.Ok(new OneExtension(extension))
            : throw new FaultException(new Fault(404, $"Extension with alias {alias} does not exist") { NeutronType = "HTTPNotFound" });

    private static Extension New(string alias, string name, string description) => new(alias, name, description, "2026-12-07T00:00:00-00:00", []);
}
