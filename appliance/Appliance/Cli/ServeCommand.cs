using System.CommandLine;
using Appliance.Core;
using Appliance.Core.Configuration;
using Appliance.Core.HostChecks;
using Appliance.Web;
using Appliance.Web.Metadata;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Appliance.Cli;

/// <summary><c>appliance serve</c>: checks the data dir, migrates the store, then serves every API on one port.</summary>
public static class ServeCommand
{
    public static Command Create()
    {
        var dataDir = new Option<string?>("--data-dir") { Description = "Directory for the database, images and instances (default /var/lib/appliance as root, else ~/.local/share/appliance)" };
        var listen = new Option<string?>("--listen") { Description = $"URL to listen on (default {ApplianceOptions.DefaultListen})" };
        var listenSocket = new Option<string?>("--listen-socket") { Description = "Absolute path of a unix socket to serve on as well (default none)" };
        var libvirtUri = new Option<string?>("--libvirt-uri") { Description = $"libvirt connection URI (default {ApplianceOptions.DefaultLibvirtUri}; test:///default for a fake host)" };
        var publicUrl = new Option<string?>("--public-url") { Description = "URL clients reach the appliance at, for the service catalog and admin-openrc (default: the URL each request used)" };
        var virtType = VirtTypeOption();
        var command = new Command("serve", "Run the appliance: compute, identity and image APIs and the status page") { dataDir, listen, listenSocket, libvirtUri, publicUrl, virtType };
        command.SetAction((parse, cancellationToken) => RunAsync(new Dictionary<string, string?>
        {
            [nameof(ApplianceOptions.DataDir)] = parse.GetValue(dataDir),
            [nameof(ApplianceOptions.Listen)] = parse.GetValue(listen),
            [nameof(ApplianceOptions.ListenSocket)] = parse.GetValue(listenSocket),
            [nameof(ApplianceOptions.LibvirtUri)] = parse.GetValue(libvirtUri),
            [nameof(ApplianceOptions.PublicUrl)] = parse.GetValue(publicUrl),
            [VirtTypeSetting] = parse.GetValue(virtType),
        }, cancellationToken));
        return command;
    }

    /// <summary>The setting --virt-type feeds, by its path under Appliance.</summary>
    public const string VirtTypeSetting = $"{nameof(ApplianceOptions.Hypervisor)}:{nameof(HypervisorOptions.VirtType)}";

    public static Option<string?> VirtTypeOption() =>
        new("--virt-type") { Description = "auto (kvm where hardware virtualization works, else qemu), kvm or qemu (TCG emulation), as Nova's [libvirt] virt_type" };

    /// <summary>Why Kestrel could not listen on a unix socket at the path, or null.</summary>
    private static string? ListenSocketProblem(string path) =>
        !Path.IsPathFullyQualified(path) ? $"{path} is not an absolute path"
        : !Directory.Exists(Path.GetDirectoryName(path)) ? $"{path}: its directory does not exist"
        // Kestrel removes its socket when it stops, not when it is killed; what is there may also be another server's.
        : Path.Exists(path) ? $"{path} exists (remove it if it is a socket left by an appliance that was killed)"
        : null;

    private static async Task<int> RunAsync(IReadOnlyDictionary<string, string?> commandLine, CancellationToken cancellationToken)
    {
        var configuration = ApplianceSettings.Build(commandLine);
        ApplianceOptions options;
        try
        {
            options = ApplianceSettings.Bind(configuration);
        }
        catch (InvalidOperationException e)
        {
            // A value of the wrong type, e.g. APPLIANCE_TOKEN_LIFETIME=1h instead of 01:00:00.
            await Console.Error.WriteLineAsync($"appliance: {e.Message}");
            return 2;
        }

        if (DataDirectory.Prepare(options.DataDir) is { } problem)
        {
            await Console.Error.WriteLineAsync($"appliance: {problem}");
            return 2;
        }

        if (!Uri.TryCreate(options.Listen, UriKind.Absolute, out _))
        {
            await Console.Error.WriteLineAsync($"appliance: --listen {options.Listen} is not a URL such as {ApplianceOptions.DefaultListen}");
            return 2;
        }

        if (!string.IsNullOrEmpty(options.ListenSocket) && ListenSocketProblem(options.ListenSocket) is { } socketProblem)
        {
            await Console.Error.WriteLineAsync($"appliance: --listen-socket {socketProblem}");
            return 2;
        }

        if (!string.IsNullOrEmpty(options.PublicUrl) && !Uri.TryCreate(options.PublicUrl, UriKind.Absolute, out _))
        {
            await Console.Error.WriteLineAsync($"appliance: --public-url {options.PublicUrl} is not a URL such as https://cloud.example:8774");
            return 2;
        }

        if (options.TokenLifetime <= TimeSpan.Zero)
        {
            await Console.Error.WriteLineAsync($"appliance: the token lifetime {options.TokenLifetime} must be positive, e.g. 01:00:00");
            return 2;
        }

        if (options.RateLimits.Problem() is { } rateLimitProblem)
        {
            await Console.Error.WriteLineAsync($"appliance: {rateLimitProblem}");
            return 2;
        }

        if (options.Logins.Problem() is { } loginProblem)
        {
            await Console.Error.WriteLineAsync($"appliance: {loginProblem}");
            return 2;
        }

        if (options.Hypervisor.Problem() is { } hypervisorProblem)
        {
            await Console.Error.WriteLineAsync($"appliance: {hypervisorProblem}");
            return 2;
        }

        if (DataDirAccess.Problem(options.DataDir, options.LibvirtUri) is { } accessProblem)
        {
            await Console.Error.WriteLineAsync($"appliance: {accessProblem}");
            return 2;
        }

        // Empty, not slim: the settings above are the appliance's only ones; the slim builder read appsettings.json a second
        // time and watched it for changes, and added host filtering and forwarded headers, none of which the appliance uses.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseKestrelCore();
        builder.Configuration.AddConfiguration(configuration);
        builder.Logging.AddApplianceConsoleLog();
        builder.Logging.AddConfiguration(configuration.GetSection("Logging"));
        string[] urls = string.IsNullOrEmpty(options.ListenSocket) ? [options.Listen] : [options.Listen, $"http://unix:{options.ListenSocket}"];
        builder.WebHost.UseUrls(urls);
        builder.WebHost.UseStaticWebAssets(); // a build output's status page assets; a no-op when published (they sit in wwwroot)
        builder.Services.AddApplianceCore(options).AddApplianceWeb();

        await using var app = builder.Build();
        var host = app.Services.GetRequiredService<HostProfile>();
        if (host.Problem is { } hostProblem)
        {
            await Console.Error.WriteLineAsync($"appliance: {hostProblem}");
            return 2;
        }

        await app.Services.InitializeApplianceCoreAsync(cancellationToken);
        await app.Services.RecoverAfterRestartAsync(cancellationToken);
        // The metadata address exists once the networks run (just above); a host without them serves no metadata.
        if (MetadataEndpoint.ListenUrl(options) is { } metadataUrl)
        {
            // Any address added here replaces the ones UseUrls gave, so all of them go in.
            foreach (var url in urls.Append(metadataUrl))
            {
                app.Urls.Add(url);
            }
        }

        app.UseApplianceWeb();
        app.Lifetime.ApplicationStopping.Register(() =>
            app.Services.CheckpointStoreAsync().GetAwaiter().GetResult());

        await app.StartAsync(cancellationToken);
        app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Appliance")
            .LogInformation("Serving on {Listen}{Socket}, data in {DataDir}, libvirt at {LibvirtUri}; {HostProfile}", options.Listen,
                string.IsNullOrEmpty(options.ListenSocket) ? "" : $" and {options.ListenSocket}", options.DataDir, options.LibvirtUri, host.Summary);
        await app.WaitForShutdownAsync(cancellationToken);
        return 0;
    }
}
