using System.Text.Json;
using System.Text.Json.Serialization;
using Appliance.Core.Caching;
using Appliance.Core.Flavors;

namespace Appliance.Core.Servers;

/// <summary>The flavor a server was built with, kept with it (Nova's embedded instance flavor) so later flavor changes do not alter it.</summary>
public sealed record StoredFlavor(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("vcpus")] int Vcpus,
    [property: JsonPropertyName("ram")] int Ram,
    [property: JsonPropertyName("disk")] int Disk,
    [property: JsonPropertyName("ephemeral")] int Ephemeral,
    [property: JsonPropertyName("swap")] int Swap,
    [property: JsonPropertyName("extra_specs")] IReadOnlyDictionary<string, string> ExtraSpecs)
{
    public static StoredFlavor From(Flavor flavor, IReadOnlyDictionary<string, string> extraSpecs) =>
        new(flavor.FlavorId, flavor.Name, flavor.Vcpus, flavor.MemoryMb, flavor.RootGb, flavor.EphemeralGb, flavor.Swap, extraSpecs);

    public string ToJson() => JsonSerializer.Serialize(this);

    /// <summary>The stored flavor; a box has few distinct ones, and every server of a list shows one, so each is parsed once.</summary>
    public static StoredFlavor FromJson(string json) => Parsed.Get(json);

    private static readonly BoundedMemo<string, StoredFlavor> Parsed = new(json => JsonSerializer.Deserialize<StoredFlavor>(json)!, 1024);
}
