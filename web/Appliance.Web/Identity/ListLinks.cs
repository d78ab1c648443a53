using System.Text.Json.Serialization;

namespace Appliance.Web.Identity;

/// <summary>The links object every Keystone collection carries; the appliance never pages, so previous and next are null.</summary>
public sealed record ListLinks(
    [property: JsonPropertyName("self")] string Self,
    [property: JsonPropertyName("previous")] string? Previous = null,
    [property: JsonPropertyName("next")] string? Next = null);

public sealed record SelfLink([property: JsonPropertyName("self")] string Self);
