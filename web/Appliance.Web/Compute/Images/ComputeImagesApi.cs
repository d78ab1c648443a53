using System.Globalization;
using Appliance.Core;
using Appliance.Core.Images;
using Appliance.Web.Faults;
using Appliance.Web.Image;
using Appliance.Web.Microversions;
using Appliance.Web.Pipeline;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Appliance.Web.Compute.Images;

/// <summary>
/// The compute API's image proxy (/images, /images/detail, /images/{id}), served from the appliance's own
/// image store, as Nova serves it from Glance up to microversion 2.35.
/// </summary>
public static class ComputeImagesApi
{
    public static IEndpointRouteBuilder MapComputeImagesApi(this IEndpointRouteBuilder routes)
    {
        foreach (var version in ComputeApiGroups.Versions)
        {
            var images = ComputeApiGroups.Group(routes, version, "/images", ComputeMicroversions.ImageProxyRemoved).WithMetadata(ImageNotFound);
            images.MapGet("", List);
            images.MapGet("/detail", Detail);
            images.MapGet("/{id}", Show);
            images.MapDelete("/{id}", Delete).WithMetadata(FaultWording.For<ForbiddenException>("You are not allowed to delete the image."));
            ImageMetadataApi.Map(ComputeApiGroups.Group(routes, version, "/images/{imageId}/metadata", ComputeMicroversions.ImageMetadataProxyRemoved)
                .WithMetadata(ImageNotFound));
        }

        return routes;
    }

    private static Task<Ok<Dictionary<string, object?>>> List([AsParameters] ComputeRequestServices services) =>
        Page(services, (request, image) => ComputeImageView.Basic(request, image));

    private static Task<Ok<Dictionary<string, object?>>> Detail([AsParameters] ComputeRequestServices services) =>
        Page(services, (request, image) => ComputeImageView.Show(request, image));

    private static async Task<Ok<ComputeImageView.One>> Show(string id, [AsParameters] ComputeRequestServices services) =>
        TypedResults.Ok(new ComputeImageView.One(ComputeImageView.Show(services.Request, await Find(services, id))));

    private static async Task<NoContent> Delete(string id, [AsParameters] ComputeRequestServices services)
    {
        await services.Images.DeleteAsync(services.Http.ImageCaller(), id, services.Aborted);
        return TypedResults.NoContent();
    }

    /// <summary>The image; a missing or foreign one is Nova's "Image not found." (<see cref="ImageNotFound"/>).</summary>
    internal static Task<ImageRecord> Find(ComputeRequestServices services, string id) =>
        services.Images.GetAsync(services.Http.ImageCaller(), id, services.Aborted);

    /// <summary>Nova's proxy words a missing image, or one not the caller's, its own way.</summary>
    private static readonly FaultWording ImageNotFound = FaultWording.For<ImageNotFoundException>("Image not found.");

    private static async Task<Ok<Dictionary<string, object?>>> Page(
        ComputeRequestServices services, Func<HttpRequest, ImageRecord, Dictionary<string, object?>> view)
    {
        var query = ComputeImageQuery.Parse(services.Query);
        var (page, _) = await services.Images.ListAsync(services.Http.ImageCaller(), query, services.Aborted);

        var body = new Dictionary<string, object?> { ["images"] = page.Select(image => view(services.Request, image)).ToList() };
        // Nova links the next page whenever a page came back full.
        if (page.Count > 0 && page.Count == query.Limit)
        {
            var collection = services.Request.Path.Value!.EndsWith("/detail", StringComparison.Ordinal) ? "images/detail" : "images";
            body["images_links"] = new[] { new ComputeLinks.Link("next", ComputeLinks.Next(services.Request, collection, page[^1].Id)) };
        }

        return TypedResults.Ok(body);
    }
}

/// <summary>The compute images API's filters (name, status, changes-since, server, type, minDisk, minRam) and paging.</summary>
public static class ComputeImageQuery
{
    public const int MaxLimit = 1000;

    public static ImageQuery Parse(IQueryCollection query)
    {
        return new ImageQuery
        {
            Name = query.Last("name"),
            Status = query.Last("status") is { } status ? ComputeImageView.GlanceStatus(status) : null,
            ChangesSince = query.Last("changes-since") is { } since ? Timestamp(since, "changes-since") : null,
            // Nova accepts a server's id or its URL here and keeps the last path segment.
            InstanceUuid = query.Last("server") is { } server ? server[(server.LastIndexOf('/') + 1)..] : null,
            ImageType = query.Last("type"),
            MinDisk = query.Last("minDisk") is { } minDisk ? NonNegative(minDisk, "minDisk") : null,
            MinRam = query.Last("minRam") is { } minRam ? NonNegative(minRam, "minRam") : null,
            Limit = query.Last("limit") is { } limit ? Math.Min(NonNegative(limit, "limit"), MaxLimit) : MaxLimit,
            Marker = query.Last("marker"),
        };
    }

    private static int NonNegative(string value, string name) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            ? number
            : throw new FaultException(Fault.BadRequest($"{name} param must be an integer"));

    private static DateTimeOffset Timestamp(string value, string name) =>
        DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            ? time
            : throw new FaultException(Fault.BadRequest($"Invalid input for query parameters {name}. Value: {value}. '{value}' is not a 'date-time'"));
}
