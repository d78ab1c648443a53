using System.Net;
using System.Text.Json;
using Appliance.Core.Networks;
using Appliance.Web.Faults;
using Appliance.Web.Microversions;

namespace Appliance.Web.Compute.Servers;

/// <summary>A create's networks as Nova's schema has them for the microversion: "auto", "none", or a list of uuid, port and fixed_ip.</summary>
public static class RequestedNetworksParser
{
    /// <summary>No networks below 2.37 means auto, as in Nova; from 2.37 on the field is required.</summary>
    public static RequestedNetworks Parse(JsonElement value, ApiVersion version)
    {
        if (value.ValueKind == JsonValueKind.Undefined)
        {
            return version >= ComputeMicroversions.NetworksRequired
                ? throw new FaultException(Fault.BadRequest("'networks' is a required property"))
                : RequestedNetworks.Auto;
        }

        if (value.ValueKind == JsonValueKind.String && version >= ComputeMicroversions.NetworksRequired)
        {
            return value.GetString() switch
            {
                "none" => RequestedNetworks.None,
                "auto" => RequestedNetworks.Auto,
                _ => throw ServerFields.Invalid("networks", "must be 'auto', 'none' or a list of networks"),
            };
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            throw ServerFields.Invalid("networks", "must be a list of networks");
        }

        var items = value.EnumerateArray().Select(network => Item(network, version)).ToList();
        return items.Count == 0 ? RequestedNetworks.None : RequestedNetworks.List(items);
    }

    private static RequestedNetwork Item(JsonElement network, ApiVersion version)
    {
        if (network.ValueKind != JsonValueKind.Object)
        {
            throw ServerFields.Invalid("networks", "must be a list of objects");
        }

        var tagged = version >= ComputeMicroversions.NetworkDeviceTagsRestored
            || (version >= ComputeMicroversions.DeviceTags && version < ComputeMicroversions.NetworksRequired);
        foreach (var property in network.EnumerateObject())
        {
            if (property.Name is not ("uuid" or "port" or "fixed_ip") && !(tagged && property.Name == "tag"))
            {
                throw new FaultException(Fault.BadRequest($"Additional properties are not allowed ('{property.Name}' was unexpected)"));
            }
        }

        var tag = OptionalString(network, "tag", "networks.tag");
        // A port brings its own network and address: Nova ignores a uuid or fixed_ip beside it.
        if (OptionalString(network, "port", "networks.port") is { } port)
        {
            return Guid.TryParse(port, out _)
                ? new RequestedNetwork(null, port, null, tag)
                : throw new FaultException(Fault.BadRequest($"Port id {port} could not be found."));
        }

        var uuid = OptionalString(network, "uuid", "networks.uuid") ?? throw ServerFields.Invalid("networks", "each network needs a uuid or a port");
        if (!Guid.TryParse(uuid, out _))
        {
            throw version >= ComputeMicroversions.NetworksRequired
                ? ServerFields.Invalid("networks.uuid", "must be a UUID")
                : new FaultException(Fault.BadRequest($"Bad networks format: network uuid is not in proper format ({uuid})"));
        }

        var fixedIp = OptionalString(network, "fixed_ip", "networks.fixed_ip");
        if (fixedIp is not null && !IPAddress.TryParse(fixedIp, out _))
        {
            throw ServerFields.Invalid("networks.fixed_ip", "must be an IP address");
        }

        return new RequestedNetwork(uuid.ToLowerInvariant(), null, fixedIp, tag);
    }

    private static string? OptionalString(JsonElement network, string name, string field) =>
        !network.TryGetProperty(name, out var value) ? null
        : value.ValueKind == JsonValueKind.String ? value.GetString()
        : throw ServerFields.Invalid(field, "must be a string");
}
