using Appliance.Core.Images;

namespace Appliance.Core.Servers;

/// <summary>Nova's flavor-against-image checks for rebuild (the new image) and resize (the new flavor), with its messages (invalid requests).</summary>
public static class FlavorImageFit
{
    /// <param name="volumeBacked">The root is a volume: only memory is checked, the flavor's disk plays no part.</param>
    public static void Check(StoredFlavor flavor, ImageRecord image, bool volumeBacked)
    {
        if (image.MinRam > flavor.Ram)
        {
            throw new InvalidRequestException("Flavor's memory is too small for requested image.");
        }

        // A root disk of 0 means "the image's size" (Nova's legacy zero-disk flavors).
        if (volumeBacked || flavor.Disk == 0)
        {
            return;
        }

        var flavorBytes = (long)flavor.Disk << 30;
        // Nova compares the image's file size; the root overlay can never be smaller than the virtual size, so that counts here.
        var imageBytes = image.VirtualSize ?? image.Size ?? 0;
        if (imageBytes > flavorBytes)
        {
            throw new InvalidRequestException($"Flavor's disk is too small for requested image. Flavor disk is {flavorBytes} bytes, image is {imageBytes} bytes.");
        }

        if ((long)image.MinDisk << 30 > flavorBytes)
        {
            throw new InvalidRequestException(
                $"Flavor's disk is smaller than the minimum size specified in image metadata. Flavor disk is {flavorBytes} bytes, minimum size is {(long)image.MinDisk << 30} bytes.");
        }
    }
}
