using System.Text.Json.Serialization;
using Appliance.Web.Microversions;
using Appliance.Web.Pipeline;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Appliance.Web.Compute;

/// <summary>
/// GET /v2.1/os-availability-zone (and its v2 / v1.1 forms): the one zone, "nova", available. Any
/// authenticated caller may list it (Nova's os-availability-zone:list is "@"); the token check is the
/// auth middleware's, before routing. The detail view is admin only and shows this one host running
/// every service: conductor and scheduler in the "internal" zone, compute in "nova".
/// </summary>
public static class AvailabilityZoneApi
{
    public const string DefaultZone = "nova";

    public sealed record ZoneState([property: JsonPropertyName("available")] bool Available);

    public sealed record Zone(
        [property: JsonPropertyName("zoneName")] string ZoneName,
        [property: JsonPropertyName("zoneState")] ZoneState ZoneState,
        [property: JsonPropertyName("hosts")] object? Hosts);

    public sealed record ZoneList([property: JsonPropertyName("availabilityZoneInfo")] IReadOnlyList<Zone> AvailabilityZoneInfo);

    public const string InternalZone = "internal";

    public sealed record ServiceState(
        [property: JsonPropertyName("active")] bool Active,
        [property: JsonPropertyName("available")] bool Available,
        [property: JsonPropertyName("updated_at")] string? UpdatedAt);

    public static IEndpointRouteBuilder MapAvailabilityZoneApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/v2.1/os-availability-zone", List).WithMetadata(MicroversionedEndpoint.Instance, JsonOnlyEndpoint.Instance);
        routes.MapGet("/v2/os-availability-zone", List).WithMetadata(JsonOnlyEndpoint.Instance);
        routes.MapGet("/v1.1/os-availability-zone", List).WithMetadata(JsonOnlyEndpoint.Instance);
        routes.MapGet("/v2.1/os-availability-zone/detail", Detail).WithMetadata(MicroversionedEndpoint.Instance, JsonOnlyEndpoint.Instance);
        routes.MapGet("/v2/os-availability-zone/detail", Detail).WithMetadata(JsonOnlyEndpoint.Instance);
        routes.MapGet("/v1.1/os-availability-zone/detail", Detail).WithMetadata(JsonOnlyEndpoint.Instance);
        return routes;
    }

    private static Ok<ZoneList> Detail([AsParameters] ComputeRequestServices services)
    {
        services.RequireAdmin("os-availability-zone:detail");
        // This process is every service, so each is up as of this answer; Nova's format has microseconds and no zone.
        var now = services.Clock.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff", System.Globalization.CultureInfo.InvariantCulture);
        var up = new ServiceState(true, true, now);
        var host = Environment.MachineName;
        return TypedResults.Ok(new ZoneList(
        [
            new Zone(InternalZone, new ZoneState(true), new Dictionary<string, Dictionary<string, ServiceState>>
            {
                [host] = new() { ["nova-conductor"] = up, ["nova-scheduler"] = up },
            }),
            new Zone(DefaultZone, new ZoneState(true), new Dictionary<string, Dictionary<string, ServiceState>>
            {
                [host] = new() { ["nova-compute"] = up },
            }),
        ]));
    }

    // Nova's list view shows no hosts; only the admin-only detail view does.
    private static Ok<ZoneList> List() => TypedResults.Ok(new ZoneList([new Zone(DefaultZone, new ZoneState(true), null)]));
}
