using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace Appliance.Web.Network;

/// <summary>
/// The Network API (Neutron v2.0) under /network: what the openstack CLI, openstacksdk and Terraform look up before
/// and after they boot a server (networks, subnets, ports), read-only for now.
/// </summary>
public static class NeutronApi
{
    public const string Prefix = "/network";

    public const string V2 = Prefix + "/v2.0";

    public static IEndpointRouteBuilder MapNeutronApi(this IEndpointRouteBuilder routes)
    {
        NeutronVersionsApi.Map(routes);
        NeutronExtensionsApi.Map(routes);
        NetworksApi.Map(routes);
        SubnetsApi.Map(routes);
        PortsApi.Map(routes);
        QuotasApi.Map(routes);
        FloatingIpsApi.Map(routes);
        PortForwardingsApi.Map(routes);
        SecurityGroupsApi.Map(routes);
        SecurityGroupRulesApi.Map(routes);
        return routes;
    }
}
