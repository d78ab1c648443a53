using Appliance.Hypervisor.Disks;
using Appliance.Hypervisor.Processes;

namespace Appliance.Hypervisor.Images;

/// <summary>
/// Asks qemu-img about an uploaded image opened as its declared format (never auto-detected), under the
/// same CPU and memory limits as every qemu-img call, so a crafted image cannot make the probe eat the host.
/// </summary>
public sealed class ImageInspector
{
    public async Task<DiskImageInfo> InspectAsync(string path, string diskFormat, CancellationToken cancellationToken = default)
    {
        var qemuFormat = DiskFormat.QemuName(diskFormat) ?? throw new ImageRejectedException($"disk format {diskFormat} cannot be inspected");
        try
        {
            return await QemuImg.InfoAsync(path, qemuFormat, cancellationToken);
        }
        catch (HostCommandException)
        {
            // qemu-img names the file in its message; clients get the format, not our path.
            throw new ImageRejectedException($"the data is not a valid {diskFormat} image");
        }
    }
}

/// <summary>An image that must not be stored; the message is safe to show the client.</summary>
public sealed class ImageRejectedException(string message) : Exception(message);
