using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Serialization;
using Appliance.Core.Servers;
using Appliance.Web.Faults;
using Appliance.Web.Json;
using Appliance.Web.Microversions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Appliance.Web.Compute.Servers;

/// <summary>/servers: create, list, detail, show, update and delete, as Nova serves them.</summary>
public static class ServersApi
{
    public static IEndpointRouteBuilder MapServersApi(this IEndpointRouteBuilder routes)
    {
        foreach (var version in ComputeApiGroups.Versions)
        {
            var servers = ComputeApiGroups.Group(routes, version, "/servers");
            servers.MapGet("", List);
            servers.MapGet("/detail", Detail);
            servers.MapPost("", Create);
            servers.MapGet("/{id}", Show);
            servers.MapPut("/{id}", Update);
            servers.MapDelete("/{id}", Delete);
        }

        return routes;
    }

    /// <summary>A list or detail page: the servers, and a "next" link when the page was cut short.</summary>
    public sealed record Page<TView>(
        [property: JsonPropertyName("servers")] List<TView> Servers,
        [property: JsonPropertyName("servers_links"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ComputeLinks.Link[]? Links);

    public sealed record One([property: JsonPropertyName("server")] ServerDetailJson Server);

    /// <summary>Create's answer: the new server's id, links and what the request decided, not its full view.</summary>
    public sealed record CreatedSummary([property: JsonPropertyName("server")] Dictionary<string, object?> Server);

    /// <summary>Create's answer when the request asked for return_reservation_id.</summary>
    public sealed record Reservation([property: JsonPropertyName("reservation_id")] string ReservationId);

    private static async Task<Ok<Page<Dictionary<string, object?>>>> List([AsParameters] ServerRequestServices services)
    {
        var caller = services.Caller;
        var page = await services.Lists.ListAsync(ServerListQueryParser.Parse(services.Http, caller), services.Aborted);
        var view = new ServerView(services.Request, caller.IsAdmin);
        return TypedResults.Ok(PageOf(services.Request, "servers", page.Servers.Select(view.Basic).ToList(), page));
    }

    private static async Task<Ok<Page<ServerDetailJson>>> Detail([AsParameters] ServerRequestServices services)
    {
        var caller = services.Caller;
        var page = await services.Lists.ListAsync(ServerListQueryParser.Parse(services.Http, caller), services.Aborted);
        var view = new ServerView(services.Request, caller.IsAdmin);
        var servers = page.Servers.Select(server => view.Detail(server, page.Metadata.GetValueOrDefault(server.Uuid),
            page.Tags.GetValueOrDefault(server.Uuid), page.Volumes.GetValueOrDefault(server.Uuid), page.Addresses.GetValueOrDefault(server.Uuid))).ToList();
        return TypedResults.Ok(PageOf(services.Request, "servers/detail", servers, page));
    }

    private static Page<TView> PageOf<TView>(HttpRequest request, string collection, List<TView> servers, ServerPage page) =>
        new(servers, page.More && servers.Count > 0
            ? [new ComputeLinks.Link("next", ComputeLinks.Next(request, collection, page.Servers[^1].Uuid))]
            : null);

    private static async Task<Ok<One>> Show(string id, [AsParameters] ServerRequestServices services)
    {
        var server = await services.Servers.ShowAsync(services.Caller, id, services.Aborted);
        return TypedResults.Ok(new One(DetailView(services, server)));
    }

    private static async Task<Results<Accepted<CreatedSummary>, Accepted<Reservation>>> Create(
        JsonBody<ServerRequests.CreateBody> body, [AsParameters] ServerRequestServices services)
    {
        var caller = services.Caller;
        caller.RequireCreate(); // the core checks it again; asked first here so a reader's create is 403 whatever the body says
        var limits = ServerLimits.From(await services.Quotas.GetLimitsAsync(caller.ProjectId, services.Aborted));
        var request = ServerCreateValidator.Validate(body.Value.Server, services.Version, limits);
        var created = await services.Servers.CreateAsync(caller, services.Operation, request, services.Aborted);
        if (body.Value.Server.ReturnReservationId.ValueKind == JsonValueKind.True)
        {
            return TypedResults.Accepted((string?)null, new Reservation(created.ReservationId));
        }

        var first = created.Servers[0];
        var view = new ServerView(services.Request, caller.IsAdmin);
        var server = new Dictionary<string, object?>
        {
            ["id"] = first.Uuid,
            ["links"] = view.Links(first.Uuid),
            ["OS-DCF:diskConfig"] = first.DiskConfig,
            ["security_groups"] = request.SecurityGroups.Select(name => new { name }).ToList(),
        };
        if (services.Options.Servers.EnableInstancePassword)
        {
            server["adminPass"] = created.AdminPass;
        }

        return TypedResults.Accepted(ComputeLinks.Self(services.Request, "servers", first.Uuid), new CreatedSummary(server));
    }

    private static async Task<Ok<One>> Update(string id, JsonBody<ServerRequests.UpdateBody> body, [AsParameters] ServerRequestServices services)
    {
        var caller = services.Caller;
        var request = body.Value.Server;
        var changes = new Dictionary<string, object?>();
        if (request.Name.ValueKind != JsonValueKind.Undefined)
        {
            changes["name"] = ServerFields.Name(request.Name, "name");
        }

        if (ServerFields.Address(request.AccessIpV4, "accessIPv4", AddressFamily.InterNetwork) is { } v4)
        {
            changes["access_ip_v4"] = v4;
        }

        if (ServerFields.Address(request.AccessIpV6, "accessIPv6", AddressFamily.InterNetworkV6) is { } v6)
        {
            changes["access_ip_v6"] = v6;
        }

        if (ServerFields.DiskConfig(request.DiskConfig) is { } diskConfig)
        {
            changes["disk_config"] = diskConfig;
        }

        if (request.Description.ValueKind != JsonValueKind.Undefined)
        {
            if (services.Version < ComputeMicroversions.ServerDescription)
            {
                throw new FaultException(Fault.BadRequest("Additional properties are not allowed ('description' was unexpected)"));
            }

            changes["description"] = request.Description.ValueKind == JsonValueKind.Null
                ? null
                : ServerFields.OptionalString(request.Description, "description", 0, 255);
        }

        var server = await services.Servers.UpdateAsync(caller, id, changes, services.Aborted);
        return TypedResults.Ok(new One(DetailView(services, await services.Servers.DetailAsync(server, services.Aborted))));
    }

    private static async Task<NoContent> Delete(string id, [AsParameters] ServerRequestServices services)
    {
        await services.Servers.DeleteAsync(services.Caller, services.Operation, id, services.Aborted);
        return TypedResults.NoContent();
    }

    private static ServerDetailJson DetailView(ServerRequestServices services, ServerDetail detail) =>
        new ServerView(services.Request, services.Caller.IsAdmin).Detail(detail);
}
