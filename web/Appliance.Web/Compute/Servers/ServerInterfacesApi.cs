using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using Appliance.Core.Networks;
using Appliance.Web.Faults;
using Appliance.Web.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Appliance.Web.Compute.Servers;

/// <summary>/servers/{id}/os-interface: a server's ports as Nova shows them; attach one (hot-plug) and detach it.</summary>
public static class ServerInterfacesApi
{
    public static IEndpointRouteBuilder MapServerInterfacesApi(this IEndpointRouteBuilder routes)
    {
        foreach (var version in ComputeApiGroups.Versions)
        {
            var interfaces = ComputeApiGroups.Group(routes, version, "/servers/{id}/os-interface");
            interfaces.MapGet("", List);
            interfaces.MapPost("", Attach);
            interfaces.MapGet("/{portId}", Show);
            interfaces.MapDelete("/{portId}", Detach);
        }

        return routes;
    }

    public sealed record FixedIpView([property: JsonPropertyName("subnet_id")] string SubnetId, [property: JsonPropertyName("ip_address")] string IpAddress);

    public sealed record AttachmentView(
        [property: JsonPropertyName("fixed_ips")] IReadOnlyList<FixedIpView> FixedIps,
        [property: JsonPropertyName("mac_addr")] string MacAddr,
        [property: JsonPropertyName("net_id")] string NetId,
        [property: JsonPropertyName("port_id")] string PortId,
        [property: JsonPropertyName("port_state")] string PortState)
    {
        public static AttachmentView Of(InterfaceAttachment attachment) => new(
            attachment.FixedIps.Select(ip => new FixedIpView(ip.SubnetId, ip.IpAddress)).ToList(), attachment.MacAddress, attachment.NetworkId,
            attachment.PortId, attachment.PortState);
    }

    public sealed record AttachmentList([property: JsonPropertyName("interfaceAttachments")] IReadOnlyList<AttachmentView> InterfaceAttachments);

    public sealed record AttachmentOne([property: JsonPropertyName("interfaceAttachment")] AttachmentView InterfaceAttachment);

    public sealed record AttachBody([property: JsonPropertyName("interfaceAttachment")] JsonElement InterfaceAttachment);

    private static async Task<Ok<AttachmentList>> List(string id, [AsParameters] ServerRequestServices services, [FromServices] ServerInterfaceService interfaces)
    {
        var attachments = await interfaces.ListAsync(services.Caller, id, services.Aborted);
        return TypedResults.Ok(new AttachmentList(attachments.Select(a => AttachmentView.Of(a)).ToList()));
    }

    private static async Task<Ok<AttachmentOne>> Show(string id, string portId, [AsParameters] ServerRequestServices services, [FromServices] ServerInterfaceService interfaces) =>
        TypedResults.Ok(new AttachmentOne(AttachmentView.Of(await interfaces.ShowAsync(services.Caller, id, portId, services.Aborted))));

    private static async Task<Ok<AttachmentOne>> Attach(string id, JsonBody<AttachBody> body, [AsParameters] ServerRequestServices services,
        [FromServices] ServerInterfaceService interfaces)
    {
        var request = Parse(body.Value.InterfaceAttachment);
        var attached = await interfaces.AttachAsync(services.Caller, id, request, services.Aborted);
        return TypedResults.Ok(new AttachmentOne(AttachmentView.Of(attached)));
    }

    private static async Task<Accepted> Detach(string id, string portId, [AsParameters] ServerRequestServices services, [FromServices] ServerInterfaceService interfaces)
    {
        await interfaces.DetachAsync(services.Caller, id, portId, services.Aborted);
        return TypedResults.Accepted((string?)null);
    }

    /// <summary>Nova's schema up to 2.48: net_id or port_id (not both), at most one fixed IP and only with net_id.</summary>
    public static NewInterface Parse(JsonElement attachment)
    {
        if (attachment.ValueKind == JsonValueKind.Undefined)
        {
            return new NewInterface(null, null, null);
        }

        if (attachment.ValueKind != JsonValueKind.Object)
        {
            throw ServerFields.Invalid("interfaceAttachment", "must be an object");
        }

        foreach (var property in attachment.EnumerateObject())
        {
            if (property.Name is not ("net_id" or "port_id" or "fixed_ips"))
            {
                throw new FaultException(Fault.BadRequest($"Additional properties are not allowed ('{property.Name}' was unexpected)"));
            }
        }

        var networkId = Uuid(attachment, "net_id");
        var portId = Uuid(attachment, "port_id");
        var fixedIp = FixedIp(attachment);
        if (networkId is not null && portId is not null)
        {
            throw new FaultException(Fault.BadRequest("Must not input both network_id and port_id"));
        }

        return fixedIp is not null && networkId is null
            ? throw new FaultException(Fault.BadRequest("Must input network_id when request IP address"))
            : new NewInterface(networkId, portId, fixedIp);
    }

    private static string? Uuid(JsonElement attachment, string name) =>
        !attachment.TryGetProperty(name, out var value) ? null
        : value.ValueKind == JsonValueKind.String && Guid.TryParse(value.GetString(), out var id) ? id.ToString()
        : throw ServerFields.Invalid($"interfaceAttachment/{name}", "must be a UUID");

    private static string? FixedIp(JsonElement attachment)
    {
        if (!attachment.TryGetProperty("fixed_ips", out var list))
        {
            return null;
        }

        if (list.ValueKind != JsonValueKind.Array || list.GetArrayLength() != 1 || list[0].ValueKind != JsonValueKind.Object
            || !list[0].TryGetProperty("ip_address", out var address) || address.ValueKind != JsonValueKind.String
            || list[0].EnumerateObject().Count() != 1 || !IPAddress.TryParse(address.GetString(), out _))
        {
            throw ServerFields.Invalid("interfaceAttachment/fixed_ips", "must be one {\"ip_address\": ADDRESS}");
        }

        return address.GetString();
    }
}
