namespace Appliance.Web.Identity;

/// <summary>Keystone's reading of boolean query parameters: present means true unless it says 0, false, no or off.</summary>
public static class QueryFlags
{
    private static readonly string[] Falsy = ["0", "false", "f", "no", "n", "off"];

    public static bool IsTrue(string? value) => value is not null && !Falsy.Contains(value.Trim(), StringComparer.OrdinalIgnoreCase);

    /// <summary>An optional boolean filter such as ?enabled=false; absent means no filter.</summary>
    public static bool? Filter(string? value) => value is null ? null : IsTrue(value);
}
