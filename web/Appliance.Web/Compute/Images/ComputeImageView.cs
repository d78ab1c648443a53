using System.Globalization;
using System.Text.Json.Serialization;
using Appliance.Core.Images;
using Appliance.Web.Pipeline;
using Microsoft.AspNetCore.Http;

namespace Appliance.Web.Compute.Images;

/// <summary>Nova's image views (views/images.py): basic for lists, full for show and detail.</summary>
public static class ComputeImageView
{
    /// <summary>{"image": ...}: show.</summary>
    public sealed record One([property: JsonPropertyName("image")] Dictionary<string, object?> Image);

    /// <summary>{"metadata": ...}: an image's properties.</summary>
    public sealed record Metadata([property: JsonPropertyName("metadata")] IReadOnlyDictionary<string, string> Items);

    /// <summary>{"meta": ...}: one of an image's properties.</summary>
    public sealed record Meta([property: JsonPropertyName("meta")] IReadOnlyDictionary<string, string> Item);

    public static Dictionary<string, object?> Basic(HttpRequest request, ImageRecord image) => new()
    {
        ["id"] = image.Id,
        ["name"] = image.Name,
        ["links"] = Links(request, image.Id),
    };

    public static Dictionary<string, object?> Show(HttpRequest request, ImageRecord image)
    {
        var view = new Dictionary<string, object?>
        {
            ["id"] = image.Id,
            ["name"] = image.Name,
            ["minRam"] = image.MinRam,
            ["minDisk"] = image.MinDisk,
            ["metadata"] = image.Properties,
            ["created"] = Timestamp(image.CreatedAt),
            ["updated"] = Timestamp(image.UpdatedAt),
            ["status"] = Status(image.Status),
            ["progress"] = Progress(image.Status),
            ["OS-EXT-IMG-SIZE:size"] = image.Size,
            ["links"] = Links(request, image.Id),
        };
        if (image.Properties.TryGetValue("instance_uuid", out var serverId))
        {
            view["server"] = new Dictionary<string, object?>
            {
                ["id"] = serverId,
                ["links"] = new[]
                {
                    new ComputeLinks.Link("self", ComputeLinks.Self(request, "servers", serverId)),
                    new ComputeLinks.Link("bookmark", ComputeLinks.Bookmark(request, "servers", serverId)),
                },
            };
        }

        if (image.Properties.TryGetValue("auto_disk_config", out var autoDiskConfig))
        {
            view["OS-DCF:diskConfig"] = IsTrue(autoDiskConfig) ? "AUTO" : "MANUAL";
        }

        return view;
    }

    /// <summary>Glance's statuses as Nova shows them.</summary>
    public static string Status(string glanceStatus) => glanceStatus switch
    {
        ImageStatus.Active => "ACTIVE",
        ImageStatus.Queued or ImageStatus.Saving => "SAVING",
        ImageStatus.Deleted => "DELETED",
        ImageStatus.Killed => "ERROR",
        _ => "UNKNOWN",
    };

    /// <summary>The reverse, for the status filter: Nova lowercases what the client sends.</summary>
    public static string GlanceStatus(string computeStatus) => computeStatus.ToLowerInvariant() switch
    {
        "error" => ImageStatus.Killed,
        var other => other,
    };

    private static int Progress(string glanceStatus) => glanceStatus switch
    {
        ImageStatus.Queued => 25,
        ImageStatus.Saving => 50,
        ImageStatus.Active => 100,
        _ => 0,
    };

    private static ComputeLinks.Link[] Links(HttpRequest request, string id) =>
    [
        new("self", ComputeLinks.Self(request, "images", id)),
        new("bookmark", ComputeLinks.Bookmark(request, "images", id)),
        new("alternate", $"{request.BaseUrl()}/image/images/{id}", "application/vnd.openstack.image"),
    ];

    private static string Timestamp(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    // oslo's bool_from_string: these spell "true"; anything else is false.
    private static bool IsTrue(string value) =>
        value.Trim().ToLowerInvariant() is "1" or "t" or "true" or "on" or "y" or "yes";
}
