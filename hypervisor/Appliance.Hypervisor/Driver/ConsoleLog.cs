using System.Text;

namespace Appliance.Hypervisor.Driver;

/// <summary>Reads the tail of a serial console log file without holding it open.</summary>
public static class ConsoleLog
{
    public static async Task<string> TailAsync(string path, int maxBytes, int? maxLines, CancellationToken cancellationToken = default)
    {
        if (!File.Exists(path))
        {
            return "";
        }

        // QEMU keeps writing while we read: share everything, read only the last maxBytes.
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var start = Math.Max(0, file.Length - maxBytes);
        file.Seek(start, SeekOrigin.Begin);
        var buffer = new byte[file.Length - start];
        var read = await file.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        var text = Encoding.UTF8.GetString(buffer, 0, read);
        if (maxLines is not { } lines)
        {
            return text;
        }

        var all = text.Split('\n');
        // A trailing newline leaves an empty last element that is not a line.
        var count = text.EndsWith('\n') ? all.Length - 1 : all.Length;
        return string.Join('\n', all.Skip(Math.Max(0, count - lines)));
    }
}
