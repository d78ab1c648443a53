using System.Text.Json;
using System.Text.Json.Serialization;

namespace Appliance.Core.Networks;

/// <summary>What a create asks for under networks: auto, none, or a list of networks, ports and fixed addresses.</summary>
public sealed record RequestedNetworks(RequestedNetworksMode Mode, IReadOnlyList<RequestedNetwork> Items)
{
    public static readonly RequestedNetworks Auto = new(RequestedNetworksMode.Auto, []);

    public static readonly RequestedNetworks None = new(RequestedNetworksMode.None, []);

    public static RequestedNetworks List(IReadOnlyList<RequestedNetwork> items) => new(RequestedNetworksMode.List, items);

    /// <summary>How the server row keeps it: "none", or the resolved list as JSON.</summary>
    internal string ToStored() => Mode == RequestedNetworksMode.None || Items.Count == 0 ? "none" : JsonSerializer.Serialize(Items);

    internal static IReadOnlyList<RequestedNetwork> FromStored(string stored) =>
        stored.StartsWith('[') ? JsonSerializer.Deserialize<List<RequestedNetwork>>(stored) ?? [] : [];
}

public enum RequestedNetworksMode
{
    Auto,
    None,
    List,
}

/// <summary>One NIC asked for: on a network (with an address or any), or on an existing port.</summary>
public sealed record RequestedNetwork(
    [property: JsonPropertyName("network_id")] string? NetworkId,
    [property: JsonPropertyName("port_id")] string? PortId = null,
    [property: JsonPropertyName("fixed_ip")] string? FixedIp = null,
    [property: JsonPropertyName("tag")] string? Tag = null);
