namespace Appliance.Core.Configuration;

/// <summary>Limits on uploaded images (section Appliance:Images).</summary>
public sealed class ImageOptions
{
    /// <summary>Largest virtual disk an image may declare; bigger ones are refused as size bombs.</summary>
    public long MaxVirtualSizeBytes { get; set; } = 1L << 40;

    /// <summary>Largest single upload.</summary>
    public long MaxUploadBytes { get; set; } = 1L << 40;

    /// <summary>Bytes of image data each project may store (active and in-flight uploads).</summary>
    public long ProjectQuotaBytes { get; set; } = 100L << 30;
}
