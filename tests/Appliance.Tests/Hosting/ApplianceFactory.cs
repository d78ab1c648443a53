using Appliance.Core;
using Appliance.Core.Configuration;
using Appliance.Web;
using Appliance.Web.Ui;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Appliance.Tests.Hosting;

/// <summary>
/// The appliance's real pipeline and store in memory: a temp data dir of its own (or a given one, to
/// test restarts) and libvirt's test:///default driver unless told otherwise; <paramref name="configure"/>
/// changes any other setting, as appsettings.json would; <paramref name="services"/> may replace a service after the
/// appliance registered its own (e.g. a fault-injecting driver).
/// </summary>
public sealed class ApplianceFactory(string? dataDir = null, string libvirtUri = "test:///default", Action<ApplianceOptions>? configure = null,
    Action<IServiceCollection>? services = null)
    : WebApplicationFactory<Program>
{
    private readonly TempDataDir? _ownDataDir = dataDir is null ? new TempDataDir() : null;

    public string DataDir => dataDir ?? _ownDataDir!.Path;

    /// <summary>Every log event written by the host, with the request id it carried.</summary>
    public RecordingLoggerProvider Logs { get; } = new();

    /// <summary>A scope of the status page's own container, as each /ui request gets one; the first call builds it.</summary>
    public IServiceScope CreateUiScope() => Services.GetRequiredService<UiHost>().Services.CreateScope();

    protected override IHostBuilder CreateHostBuilder()
    {
        var options = new ApplianceOptions { DataDir = DataDir, LibvirtUri = libvirtUri, Listen = "http://127.0.0.1:0" };
        // Networks only in the test driver's memory: a test never makes a bridge on the host's own libvirt.
        options.Networking.Enabled = libvirtUri.StartsWith("test:", StringComparison.Ordinal);
        configure?.Invoke(options);
        return new HostBuilder()
            .ConfigureLogging(logging => logging.AddApplianceConsoleLog().AddProvider(Logs).SetMinimumLevel(LogLevel.Information))
            .ConfigureWebHost(web => web
                .ConfigureServices(collection =>
                {
                    collection.AddApplianceCore(options).AddApplianceWeb();
                    services?.Invoke(collection);
                })
                .Configure(app => app.UseApplianceWeb()));
    }

    protected override IHost CreateHost(IHostBuilder builder)
    {
        var host = builder.Build();
        host.Services.InitializeApplianceCoreAsync().GetAwaiter().GetResult();
        host.Services.RecoverAfterRestartAsync().GetAwaiter().GetResult();
        host.Start();
        return host;
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            _ownDataDir?.Dispose();
        }
    }
}
