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
/// auth middleware's, before routing.
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

    public static IEndpointRouteBuilder MapAvailabilityZoneApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/v2.1/os-availability-zone", List).WithMetadata(MicroversionedEndpoint.Instance, JsonOnlyEndpoint.Instance);
        routes.MapGet("/v2/os-availability-zone", List).WithMetadata(JsonOnlyEndpoint.Instance);
        routes.MapGet("/v1.1/os-availability-zone", List).WithMetadata(JsonOnlyEndpoint.Instance);
        return routes;
    }

    // Nova's list view shows no hosts; only the admin-only detail view does.
    private static Ok<ZoneList> List() => TypedResults.Ok(new ZoneList([new Zone(DefaultZone, new ZoneState(true), null)]));
}
