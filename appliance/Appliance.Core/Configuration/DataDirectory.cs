namespace Appliance.Core.Configuration;

/// <summary>Checks the data dir before anything is built on it, so a bad path is one clear line, not a stack trace.</summary>
public static class DataDirectory
{
    /// <summary>Creates the directory if needed and proves it writable; returns null when usable, else why not.</summary>
    public static string? Prepare(string path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            return "the data dir is empty";
        }

        try
        {
            if (File.Exists(path))
            {
                return $"data dir {path} is a file, not a directory";
            }

            Directory.CreateDirectory(path);
            var probe = Path.Combine(path, $".write-probe-{Environment.ProcessId}");
            File.WriteAllText(probe, "");
            File.Delete(probe);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return $"data dir {path} is not usable: {e.Message}";
        }
    }
}
