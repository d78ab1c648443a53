namespace Appliance.Core.Servers;

/// <summary>Nova's rules for server tags: 1-60 characters without '/' or ',', at most 50 per server.</summary>
public static class ServerTagRules
{
    public const int MaxLength = 60;
    public const int MaxPerServer = 50;

    /// <summary>Why a tag is refused, in the words of Nova's schema errors; null when it is fine.</summary>
    public static string? Problem(string tag) => tag.Length switch
    {
        0 => "'' is too short",
        > MaxLength => $"'{tag}' is too long",
        _ when tag.IndexOfAny(['/', ',']) >= 0 => $"'{tag}' does not match '^[^,/]*$'",
        _ => null,
    };
}
