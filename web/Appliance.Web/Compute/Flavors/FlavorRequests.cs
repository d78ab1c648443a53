using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Appliance.Core.Flavors;
using Appliance.Web.Faults;

namespace Appliance.Web.Compute.Flavors;

/// <summary>POST /flavors and os-extra_specs bodies, checked against Nova's schemas (2.1 - 2.54).</summary>
public static partial class FlavorRequests
{
    public sealed record CreateBody([property: JsonPropertyName("flavor")] CreateFlavor Flavor);

    public sealed record CreateFlavor(
        [property: JsonPropertyName("name")] string Name,
        [property: JsonPropertyName("ram")] int Ram,
        [property: JsonPropertyName("vcpus")] int Vcpus,
        [property: JsonPropertyName("disk")] int Disk,
        [property: JsonPropertyName("id")] string? Id = null,
        [property: JsonPropertyName("OS-FLV-EXT-DATA:ephemeral")] int Ephemeral = 0,
        [property: JsonPropertyName("swap")] int Swap = 0,
        [property: JsonPropertyName("rxtx_factor")] double RxtxFactor = 1.0,
        [property: JsonPropertyName("os-flavor-access:is_public")] bool IsPublic = true);

    public sealed record ExtraSpecsBody([property: JsonPropertyName("extra_specs")] Dictionary<string, string> ExtraSpecs);

    public static Flavor ToFlavor(CreateFlavor request)
    {
        var name = request.Name.Trim();
        if (name.Length is 0 or > 255 || name != request.Name)
        {
            throw Invalid("name", "must be 1 to 255 characters without leading or trailing spaces");
        }

        if (request.Id is not null && !FlavorIdPattern().IsMatch(request.Id))
        {
            throw Invalid("id", "must be 1 to 255 of the characters a-z A-Z 0-9 . _ - and inner spaces");
        }

        Positive(request.Ram, "ram", minimum: 1);
        Positive(request.Vcpus, "vcpus", minimum: 1);
        Positive(request.Disk, "disk", minimum: 0);
        Positive(request.Ephemeral, "OS-FLV-EXT-DATA:ephemeral", minimum: 0);
        Positive(request.Swap, "swap", minimum: 0);
        if (request.RxtxFactor <= 0)
        {
            throw Invalid("rxtx_factor", "must be greater than 0");
        }

        return new Flavor(request.Id ?? Guid.NewGuid().ToString(), name, request.Ram, request.Vcpus, request.Disk,
            request.Ephemeral, request.Swap, request.RxtxFactor, request.IsPublic, Disabled: false, Description: null);
    }

    /// <summary>Nova's extra spec keys: 1-255 of [a-zA-Z0-9-_:. ]; values strings of at most 255.</summary>
    public static Dictionary<string, string> Validated(Dictionary<string, string> specs)
    {
        foreach (var (key, value) in specs)
        {
            if (!ExtraSpecKeyPattern().IsMatch(key))
            {
                throw Invalid("extra_specs", $"key '{(key.Length > 40 ? key[..40] + "..." : key)}' must be 1 to 255 of a-z A-Z 0-9 - _ : . and space");
            }

            if (value is null || value.Length > 255)
            {
                throw Invalid(key, "must be a string of at most 255 characters");
            }
        }

        return specs;
    }

    private static void Positive(int value, string field, int minimum)
    {
        if (value < minimum)
        {
            throw Invalid(field, $"must be an integer of at least {minimum}");
        }
    }

    private static FaultException Invalid(string field, string reason) =>
        new(Fault.BadRequest($"Invalid input for field/attribute {field}. Value {reason}."));

    [GeneratedRegex("^(?! )[a-zA-Z0-9. _-]{1,255}(?<! )$")]
    private static partial Regex FlavorIdPattern();

    [GeneratedRegex("^[a-zA-Z0-9-_:. ]{1,255}$")]
    private static partial Regex ExtraSpecKeyPattern();
}
