namespace Appliance.Core.Images;

/// <summary>Why an image operation was refused; the web layer maps each kind to its status code.</summary>
public enum ImageErrorKind
{
    NotFound,
    Invalid,
    Conflict,
    Forbidden,
    QuotaExceeded,
    TooLarge,
    /// <summary>The image exists but holds no bytes yet (Glance answers 204 for its download).</summary>
    NoData,
}

/// <summary>An image operation the caller cannot do; the message is safe to show them.</summary>
public sealed class ImageException(ImageErrorKind kind, string message) : Exception(message)
{
    public ImageErrorKind Kind { get; } = kind;

    public static ImageException NotFound(string id) => new(ImageErrorKind.NotFound, $"No image found with ID {id}");
}
