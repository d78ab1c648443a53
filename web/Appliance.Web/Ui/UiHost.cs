using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Appliance.Web.Ui;

/// <summary>
/// The status page's own service container, built on the first /ui request. Blazor, SignalR, Data Protection and the
/// sign-in cookie cost about 12 MiB of resident memory and part of the start-up just by being registered, so an
/// appliance nobody looks at never pays for them. The page sees the appliance's own singletons and the host's logging,
/// configuration, environment, lifetime, meters and diagnostics: the same instances the APIs use, never copies.
/// </summary>
public sealed class UiHost(IServiceProvider root, IServiceCollection rootServices) : IAsyncDisposable
{
    private static readonly Type[] HostServices =
    [
        typeof(ILoggerFactory), typeof(IConfiguration), typeof(IHostEnvironment), typeof(IWebHostEnvironment),
        typeof(IHostApplicationLifetime), typeof(IMeterFactory), typeof(DiagnosticListener), typeof(DiagnosticSource),
        typeof(ActivitySource), typeof(DistributedContextPropagator),
    ];

    private readonly Lazy<ServiceProvider> _services = new(() => Build(root, rootServices), LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The page's container; the first call builds it.</summary>
    public IServiceProvider Services => _services.Value;

    private static ServiceProvider Build(IServiceProvider root, IServiceCollection rootServices)
    {
        var services = new ServiceCollection();
        // Instances, not factories: the page's container must never dispose what the root owns.
        foreach (var type in HostServices.Concat(rootServices.Where(IsApplianceSingleton).Select(d => d.ServiceType)).Distinct())
        {
            if (root.GetService(type) is { } instance)
            {
                services.AddSingleton(type, instance);
            }
        }

        services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        services.AddStatusPage();
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
    }

    /// <summary>A singleton of the appliance's own types (or the clock they share), registered in the root container.</summary>
    private static bool IsApplianceSingleton(ServiceDescriptor descriptor) =>
        descriptor is { Lifetime: ServiceLifetime.Singleton, IsKeyedService: false, ServiceType.IsGenericTypeDefinition: false }
        && descriptor.ServiceType != typeof(UiHost)
        && (descriptor.ServiceType == typeof(TimeProvider) || descriptor.ServiceType.Assembly.GetName().Name!.StartsWith("Appliance.", StringComparison.Ordinal));

    public async ValueTask DisposeAsync()
    {
        if (_services.IsValueCreated)
        {
            await _services.Value.DisposeAsync();
        }
    }
}
