using System.Net.Sockets;
using System.Text.Json;
using Appliance.Core.Configuration;
using Appliance.Core.Quotas;
using Appliance.Core.Servers;
using Appliance.Web.Faults;
using Appliance.Web.Json;
using Appliance.Web.Microversions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
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

    private static async Task<IResult> List(HttpContext context, ServerListReader reader)
    {
        var caller = ServerCaller.From(context.Caller());
        var page = await reader.ListAsync(ServerListQueryParser.Parse(context, caller), context.RequestAborted);
        var view = new ServerView(context.Request, caller.IsAdmin);
        return Page(context, "servers", page.Servers.Select(view.Basic).ToList(), page);
    }

    private static async Task<IResult> Detail(HttpContext context, ServerListReader reader)
    {
        var caller = ServerCaller.From(context.Caller());
        var page = await reader.ListAsync(ServerListQueryParser.Parse(context, caller), context.RequestAborted);
        var view = new ServerView(context.Request, caller.IsAdmin);
        var servers = page.Servers.Select(server => view.Detail(server, page.Metadata.GetValueOrDefault(server.Uuid),
            page.Tags.GetValueOrDefault(server.Uuid), page.Volumes.GetValueOrDefault(server.Uuid))).ToList();
        return Page(context, "servers/detail", servers, page);
    }

    private static IResult Page<TView>(HttpContext context, string collection, List<TView> servers, ServerPage page)
    {
        var body = new Dictionary<string, object> { ["servers"] = servers };
        if (page.More && servers.Count > 0)
        {
            body["servers_links"] = new[] { new ComputeLinks.Link("next", ComputeLinks.Next(context.Request, collection, page.Servers[^1].Uuid)) };
        }

        return TypedResults.Json(body);
    }

    private static async Task<IResult> Show(HttpContext context, string id, ServerService service)
    {
        var caller = ServerCaller.From(context.Caller());
        var server = await service.ShowAsync(caller, id, context.RequestAborted);
        return TypedResults.Json(new { server = DetailView(context, caller, server) });
    }

    private static async Task<IResult> Create(HttpContext context, JsonBody<ServerRequests.CreateBody> body, ServerService service, QuotaService quotas,
        ApplianceOptions options)
    {
        var caller = ServerCaller.From(context.Caller());
        caller.RequireCreate(); // the core checks it again; asked first here so a reader's create is 403 whatever the body says
        var limits = ServerLimits.From(await quotas.GetLimitsAsync(caller.ProjectId, context.RequestAborted));
        var request = ServerCreateValidator.Validate(body.Value.Server, context.ComputeVersion(), limits);
        var created = await service.CreateAsync(caller, Operation(context, caller), request, context.RequestAborted);
        if (body.Value.Server.ReturnReservationId.ValueKind == JsonValueKind.True)
        {
            return TypedResults.Json(new { reservation_id = created.ReservationId }, statusCode: StatusCodes.Status202Accepted);
        }

        var first = created.Servers[0];
        var view = new ServerView(context.Request, caller.IsAdmin);
        var links = view.Links(first.Uuid);
        context.Response.Headers.Location = ComputeLinks.Self(context.Request, "servers", first.Uuid);
        var server = new Dictionary<string, object?>
        {
            ["id"] = first.Uuid,
            ["links"] = links,
            ["OS-DCF:diskConfig"] = first.DiskConfig,
            ["security_groups"] = request.SecurityGroups.Select(name => new { name }).ToList(),
        };
        if (options.Servers.EnableInstancePassword)
        {
            server["adminPass"] = created.AdminPass;
        }

        return TypedResults.Json(new { server }, statusCode: StatusCodes.Status202Accepted);
    }

    private static async Task<IResult> Update(HttpContext context, string id, JsonBody<ServerRequests.UpdateBody> body, ServerService service)
    {
        var caller = ServerCaller.From(context.Caller());
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
            if (context.ComputeVersion() < ComputeMicroversions.ServerDescription)
            {
                throw new FaultException(Fault.BadRequest("Additional properties are not allowed ('description' was unexpected)"));
            }

            changes["description"] = request.Description.ValueKind == JsonValueKind.Null
                ? null
                : ServerFields.OptionalString(request.Description, "description", 0, 255);
        }

        var server = await service.UpdateAsync(caller, id, changes, context.RequestAborted);
        return TypedResults.Json(new { server = DetailView(context, caller, await service.DetailAsync(server, context.RequestAborted)) });
    }

    private static async Task<IResult> Delete(HttpContext context, string id, ServerService service)
    {
        var caller = ServerCaller.From(context.Caller());
        await service.DeleteAsync(caller, Operation(context, caller), id, context.RequestAborted);
        return TypedResults.NoContent();
    }

    private static ServerDetailJson DetailView(HttpContext context, ServerCaller caller, ServerDetail detail) =>
        new ServerView(context.Request, caller.IsAdmin).Detail(detail.Server, detail.Metadata, detail.Tags, detail.BlockDevices);

    public static OperationContext Operation(HttpContext context, ServerCaller caller) => new(context.TraceIdentifier, caller.UserId, caller.ProjectId);
}
