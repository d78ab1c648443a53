namespace Appliance.Hypervisor.Host;

/// <summary>Reads the host's own files (/proc, /etc, /lib/modules) for checks that must not fail when one is missing.</summary>
public static class HostFiles
{
    /// <summary>The file's text, or empty when it is missing or unreadable.</summary>
    public static string ReadOrEmpty(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }
}
