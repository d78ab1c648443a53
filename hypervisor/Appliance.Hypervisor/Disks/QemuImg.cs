using System.Globalization;
using System.Text.Json;
using Appliance.Hypervisor.Processes;

namespace Appliance.Hypervisor.Disks;

/// <summary>
/// qemu-img, always told the format (never probing), always under CPU and address-space limits as Nova
/// runs it, so a hostile image cannot make it spin or balloon.
/// </summary>
public static class QemuImg
{
    /// <summary>Nova's QEMU_IMG_LIMITS: 30 s of CPU, 1 GiB of address space.</summary>
    public const int CpuSeconds = 30;
    public const long AddressSpaceBytes = 1L << 30;

    public static async Task<DiskImageInfo> InfoAsync(string path, string format, CancellationToken cancellationToken = default)
    {
        var json = await RunAsync(["info", "-f", format, "--output=json", path], cancellationToken).ConfigureAwait(false);
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        return new DiskImageInfo(
            root.GetProperty("format").GetString() ?? format,
            root.GetProperty("virtual-size").GetInt64(),
            root.TryGetProperty("backing-filename", out var backing) ? backing.GetString() : null,
            DataFile(root));
    }

    /// <summary>Info on a disk a running guest may hold open: QEMU's image lock is shared, not taken (qemu-img -U).</summary>
    public static async Task<DiskImageInfo> InfoOfDiskInUseAsync(string path, string format, CancellationToken cancellationToken = default)
    {
        var json = await RunAsync(["info", "-U", "-f", format, "--output=json", path], cancellationToken).ConfigureAwait(false);
        using var document = JsonDocument.Parse(json);
        return new DiskImageInfo(format, document.RootElement.GetProperty("virtual-size").GetInt64(), null);
    }

    /// <summary>A qcow2 overlay over a backing file whose format is stated.</summary>
    public static Task CreateOverlayAsync(string path, string backingPath, string backingFormat, long sizeBytes, CancellationToken cancellationToken = default) =>
        RunAsync(["create", "-q", "-f", "qcow2", "-F", backingFormat, "-b", backingPath, path, Bytes(sizeBytes)], cancellationToken);

    public static Task CreateAsync(string path, string format, long sizeBytes, CancellationToken cancellationToken = default) =>
        RunAsync(["create", "-q", "-f", format, path, Bytes(sizeBytes)], cancellationToken);

    public static Task ConvertAsync(string source, string sourceFormat, string target, string targetFormat, CancellationToken cancellationToken = default) =>
        RunAsync(["convert", "-q", "-f", sourceFormat, "-O", targetFormat, source, target], cancellationToken);

    /// <summary>Grows only: callers never shrink a guest's disk.</summary>
    public static Task ResizeAsync(string path, string format, long sizeBytes, CancellationToken cancellationToken = default) =>
        RunAsync(["resize", "-q", "-f", format, path, Bytes(sizeBytes)], cancellationToken);

    /// <summary>
    /// glibc gives each thread of a process its own malloc arena, and each reserves 64 MiB of address space: the worker
    /// threads of a qemu-img convert could use up the --as limit without using the memory, and then fail to start a thread
    /// ("qemu_thread_create: Resource temporarily unavailable", a boot-from-volume build failing at random). Two arenas keep
    /// the limit about memory.
    /// </summary>
    private static readonly IReadOnlyDictionary<string, string> Environment = new Dictionary<string, string> { ["MALLOC_ARENA_MAX"] = "2" };

    private static Task<string> RunAsync(IEnumerable<string> arguments, CancellationToken cancellationToken) =>
        HostCommand.RunAsync(
            "prlimit",
            [$"--as={AddressSpaceBytes}", $"--cpu={CpuSeconds}", "--", "qemu-img", .. arguments],
            Environment,
            cancellationToken);

    /// <summary>A qcow2's external data file, named under format-specific data.</summary>
    private static string? DataFile(JsonElement root) =>
        root.TryGetProperty("format-specific", out var specific)
        && specific.TryGetProperty("data", out var data)
        && data.TryGetProperty("data-file", out var dataFile)
            ? dataFile.GetString()
            : null;

    private static string Bytes(long size) => size.ToString(CultureInfo.InvariantCulture);
}

/// <summary>What qemu-img says about an image.</summary>
/// <param name="BackingFile">Set when the image would read another file.</param>
/// <param name="DataFile">A qcow2 external data file.</param>
public sealed record DiskImageInfo(string Format, long VirtualSizeBytes, string? BackingFile, string? DataFile = null);
