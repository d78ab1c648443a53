using Appliance.Hypervisor.Images;

namespace Appliance.Core.Images;

/// <summary>
/// Glance's disk and container formats, for the API, the status page and the CLI. The disk formats are the hypervisor's one
/// list (<see cref="DiskFormat"/>), which also says what qemu calls each, so what may be uploaded and what boots never disagree.
/// </summary>
public static class ImageFormats
{
    public static IReadOnlySet<string> Disk => DiskFormat.All;

    public static readonly IReadOnlySet<string> Container = new HashSet<string>(StringComparer.Ordinal)
    {
        "ami", "ari", "aki", "bare", "ovf", "ova", "docker", "compressed",
    };

    /// <summary>The container format for an image of this disk format: a kernel, ramdisk or machine image is its own, the rest bare.</summary>
    public static string ContainerFor(string diskFormat) =>
        diskFormat is DiskFormat.Aki or DiskFormat.Ari or DiskFormat.Ami ? diskFormat : "bare";

    /// <summary>qcow2 when the file's header says so, else raw; the format is then checked as for any upload.</summary>
    public static async Task<string> GuessDiskFormatAsync(FileInfo file, CancellationToken cancellationToken = default)
    {
        var header = new byte[FormatSniffer.HeaderBytes];
        await using var stream = file.OpenRead();
        var length = await stream.ReadAtLeastAsync(header, header.Length, throwOnEndOfStream: false, cancellationToken);
        return FormatSniffer.Sniff(header.AsSpan(0, length)) == DiskFormat.Qcow2 ? DiskFormat.Qcow2 : DiskFormat.Raw;
    }
}
