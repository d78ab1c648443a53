using System.Diagnostics;
using System.Text.Json;

namespace Appliance.Hypervisor.Images;

/// <summary>
/// Runs <c>qemu-img info -f &lt;declared&gt; --output=json</c> under CPU and memory limits (as Nova's
/// QEMU_IMG_LIMITS), so a crafted image cannot make the probe eat the host.
/// </summary>
public sealed class ImageInspector
{
    public const long AddressSpaceLimitBytes = 1L << 30;
    public const int CpuLimitSeconds = 30;

    /// <summary>Opens the file as the declared format (never auto-detected) and reads its facts.</summary>
    public async Task<ImageFacts> InspectAsync(string path, string diskFormat, CancellationToken cancellationToken = default)
    {
        var qemuFormat = DiskFormat.QemuName(diskFormat) ?? throw new ImageRejectedException($"disk format {diskFormat} cannot be inspected");
        var start = new ProcessStartInfo("prlimit")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["LC_ALL"] = "C" },
        };
        foreach (var arg in new[]
        {
            $"--as={AddressSpaceLimitBytes}", $"--cpu={CpuLimitSeconds}", "--",
            "qemu-img", "info", "-f", qemuFormat, "--output=json", path,
        })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start prlimit");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            // qemu-img names the file in its message; clients get the format, not our path.
            throw new ImageRejectedException($"the data is not a valid {diskFormat} image");
        }

        return Parse(await stdout, qemuFormat);
    }

    internal static ImageFacts Parse(string json, string qemuFormat)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var format = root.TryGetProperty("format", out var f) ? f.GetString() ?? qemuFormat : qemuFormat;
        var virtualSize = root.TryGetProperty("virtual-size", out var v) ? v.GetInt64() : 0;
        var backing = root.TryGetProperty("backing-filename", out var b) ? b.GetString()
            : root.TryGetProperty("full-backing-filename", out var fb) ? fb.GetString() : null;
        string? dataFile = null;
        if (root.TryGetProperty("format-specific", out var specific)
            && specific.TryGetProperty("data", out var data)
            && data.TryGetProperty("data-file", out var df))
        {
            dataFile = df.GetString();
        }

        return new ImageFacts(format, virtualSize, backing, dataFile);
    }
}

/// <summary>An image that must not be stored; the message is safe to show the client.</summary>
public sealed class ImageRejectedException(string message) : Exception(message);
