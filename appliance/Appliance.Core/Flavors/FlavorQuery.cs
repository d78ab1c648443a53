namespace Appliance.Core.Flavors;

/// <summary>A flavor list: Nova's filters and its flavorid-ordered paging.</summary>
/// <param name="IsPublic">true: public only; false: private only; null: both (admins).</param>
public sealed record FlavorQuery(
    int? MinDisk = null,
    int? MinRam = null,
    bool? IsPublic = true,
    string SortKey = "flavorid",
    bool Descending = false,
    int Limit = 1000,
    string? Marker = null)
{
    /// <summary>Nova's allowed sort keys, as the API names them.</summary>
    public static readonly IReadOnlySet<string> SortKeys = FlavorRepository.SortColumns.Keys.ToHashSet(StringComparer.Ordinal);
}
