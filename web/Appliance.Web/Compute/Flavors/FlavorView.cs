using System.Text.Json.Serialization;
using Appliance.Core.Flavors;
using Microsoft.AspNetCore.Http;

namespace Appliance.Web.Compute.Flavors;

/// <summary>Nova's flavor views (views/flavors.py): basic for the list, full for detail and show.</summary>
public static class FlavorView
{
    /// <summary>{"flavor": ...}: show and create.</summary>
    public sealed record One([property: JsonPropertyName("flavor")] Dictionary<string, object?> Flavor);

    /// <summary>{"extra_specs": ...}: a flavor's extra specs, listed or just added.</summary>
    public sealed record ExtraSpecs([property: JsonPropertyName("extra_specs")] IReadOnlyDictionary<string, string> Specs);

    /// <summary>{"flavor_access": [...]}: the projects that may use a private flavor.</summary>
    public sealed record AccessList([property: JsonPropertyName("flavor_access")] IEnumerable<Access> FlavorAccess);

    public sealed record Access(
        [property: JsonPropertyName("flavor_id")] string FlavorId,
        [property: JsonPropertyName("tenant_id")] string TenantId);

    public static Dictionary<string, object?> Basic(HttpRequest request, Flavor flavor) => new()
    {
        ["id"] = flavor.FlavorId,
        ["name"] = flavor.Name,
        ["links"] = Links(request, flavor.FlavorId),
    };

    public static Dictionary<string, object?> Show(HttpRequest request, Flavor flavor) => new()
    {
        ["id"] = flavor.FlavorId,
        ["name"] = flavor.Name,
        ["ram"] = flavor.MemoryMb,
        ["disk"] = flavor.RootGb,
        // Before 2.75 Nova shows no swap as an empty string.
        ["swap"] = flavor.Swap == 0 ? "" : flavor.Swap,
        ["OS-FLV-EXT-DATA:ephemeral"] = flavor.EphemeralGb,
        ["OS-FLV-DISABLED:disabled"] = flavor.Disabled,
        ["vcpus"] = flavor.Vcpus,
        ["os-flavor-access:is_public"] = flavor.IsPublic,
        ["rxtx_factor"] = flavor.RxtxFactor,
        ["links"] = Links(request, flavor.FlavorId),
    };

    private static ComputeLinks.Link[] Links(HttpRequest request, string id) =>
    [
        new("self", ComputeLinks.Self(request, "flavors", id)),
        new("bookmark", ComputeLinks.Bookmark(request, "flavors", id)),
    ];
}
