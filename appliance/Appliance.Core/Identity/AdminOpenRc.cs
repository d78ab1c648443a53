using Appliance.Core.Configuration;

namespace Appliance.Core.Identity;

/// <summary>The admin-openrc file: what `source admin-openrc` needs for the openstack CLI to log in as admin.</summary>
public static class AdminOpenRc
{
    /// <summary>OS_AUTH_URL: the public URL when one is set, else the listen URL with a wildcard host made loopback.</summary>
    public static string AuthUrl(ApplianceOptions options)
    {
        if (!string.IsNullOrWhiteSpace(options.PublicUrl))
        {
            return $"{options.PublicUrl.TrimEnd('/')}/identity";
        }

        var listen = options.Listen.Replace("://*", "://127.0.0.1", StringComparison.Ordinal).Replace("://+", "://127.0.0.1", StringComparison.Ordinal);
        if (!Uri.TryCreate(listen, UriKind.Absolute, out var uri))
        {
            return $"{listen.TrimEnd('/')}/identity";
        }

        var host = uri.Host is "0.0.0.0" or "[::]" or "::" ? "127.0.0.1" : uri.Host;
        return $"{uri.Scheme}://{host}:{uri.Port}/identity";
    }

    public static string Render(string authUrl, string userName, string password, string projectName, string domainName) =>
        $"""
        export OS_AUTH_URL={authUrl}
        export OS_USERNAME={userName}
        export OS_PASSWORD={password}
        export OS_PROJECT_NAME={projectName}
        export OS_USER_DOMAIN_NAME={domainName}
        export OS_PROJECT_DOMAIN_NAME={domainName}
        export OS_IDENTITY_API_VERSION=3

        """;

    /// <summary>Writes the file readable and writable by its owner only (0600), replacing any older one.</summary>
    public static void Write(string path, string contents)
    {
        File.Delete(path);
        var create = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            create.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var stream = new FileStream(path, create);
        using var writer = new StreamWriter(stream);
        writer.Write(contents);
    }
}
