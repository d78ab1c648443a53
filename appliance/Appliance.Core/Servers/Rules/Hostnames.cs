using System.Text;

namespace Appliance.Core.Servers;

/// <summary>A guest hostname from a display name, as Nova sanitizes it: lower case, [a-z0-9-], at most 63 characters.</summary>
public static class Hostnames
{
    public static string From(string displayName)
    {
        var builder = new StringBuilder();
        foreach (var c in displayName.ToLowerInvariant())
        {
            if (c is ' ' or '_')
            {
                builder.Append('-');
            }
            else if (c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '.')
            {
                builder.Append(c);
            }
        }

        var hostname = builder.ToString().Trim('.', '-');
        if (hostname.Length > 63)
        {
            hostname = hostname[..63].TrimEnd('.', '-');
        }

        return hostname.Length == 0 ? "server" : hostname;
    }
}
