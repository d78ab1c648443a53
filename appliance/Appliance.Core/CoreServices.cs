using Appliance.Core.Configuration;
using Appliance.Core.Flavors;
using Appliance.Core.Health;
using Appliance.Core.HostChecks;
using Appliance.Core.Identity;
using Appliance.Core.Images;
using Appliance.Core.Keypairs;
using Appliance.Core.Networks;
using Appliance.Core.Quotas;
using Appliance.Core.Servers;
using Appliance.Core.Store;
using Appliance.Hypervisor.Disks;
using Appliance.Hypervisor.Driver;
using Appliance.Hypervisor.Host;
using Appliance.Hypervisor.Images;
using Appliance.Hypervisor.Networking;
using Microsoft.Extensions.DependencyInjection;

namespace Appliance.Core;

/// <summary>Registers the core (store, services) and the hypervisor it drives.</summary>
public static class CoreServices
{
    public static IServiceCollection AddApplianceCore(this IServiceCollection services, ApplianceOptions options)
    {
        var paths = new DataPaths(options.DataDir);
        services.AddSingleton(options);
        services.AddSingleton(paths);
        services.AddSingleton(new Database(paths.Database));
        services.AddSingleton<Migrator>();
        services.AddSingleton<InstallationStore>();
        services.AddSingleton(_ => new LibvirtHost(options.LibvirtUri));
        services.AddSingleton(new HypervisorPaths(options.DataDir));
        services.AddSingleton<HostHealth>();
        services.AddSingleton<ImageInspector>();
        services.AddSingleton<ImageRepository>();
        services.AddSingleton<ImageUploader>();
        services.AddSingleton<ImageService>();
        services.AddSingleton<FlavorRepository>();
        services.AddSingleton<FlavorAccessRepository>();
        services.AddSingleton<FlavorService>();
        services.AddSingleton<KeyPairService>();
        // Decided once, on first use (serve resolves it before it starts): libvirt is asked whether it offers kvm.
        services.AddSingleton(provider => HostProfile.Detect(options.Hypervisor, provider.GetRequiredService<LibvirtHost>()));
        services.AddSingleton<IComputeDriver>(provider => new LibvirtComputeDriver(
            provider.GetRequiredService<LibvirtHost>(), provider.GetRequiredService<HypervisorPaths>(), provider.GetRequiredService<HostProfile>().Facts));
        services.AddNetworks(options);
        services.AddServers();
        services.AddSingleton<QuotaService>();
        services.AddApplianceIdentity();
        return services;
    }

    private static IServiceCollection AddNetworks(this IServiceCollection services, ApplianceOptions options)
    {
        services.AddSingleton<INetworkDriver>(provider => new LibvirtNetworkDriver(provider.GetRequiredService<LibvirtHost>()));
        services.AddSingleton(new NetworkNames(options.DataDir));
        services.AddSingleton<NetworkRepository>();
        services.AddSingleton<NetworkPlane>();
        services.AddSingleton<ServerNetworking>();
        services.AddSingleton<ServerInterfaceService>();
        services.AddSingleton<NetworkOverview>();
        services.AddSingleton<NetworkQueries>();
        services.AddSingleton<NetworkWrites>();
        services.AddSingleton<NetworkQuotaService>();
        services.AddSingleton<IAddressProbe, PingAddressProbe>();
        services.AddSingleton<ServerLiveness>();
        services.AddSingleton<ProviderNetworks>();
        services.AddSingleton<UserNetworks>();
        services.AddSingleton<NetworkBootstrap>();
        services.AddSingleton<SecurityGroupRepository>();
        services.AddSingleton<INetworkFilterDriver>(provider => new LibvirtNetworkFilterDriver(provider.GetRequiredService<LibvirtHost>()));
        services.AddSingleton<SecurityGroupEnforcement>();
        services.AddSingleton<SecurityGroupService>();
        services.AddSingleton<ServerSecurityGroups>();
        services.AddFloatingIps(options);
        return services;
    }

    /// <summary>Floating IPs and the host's NAT; beside libvirt's test driver the NAT lives in memory, as its networks do.</summary>
    private static IServiceCollection AddFloatingIps(this IServiceCollection services, ApplianceOptions options)
    {
        services.AddSingleton<IGuestNatDriver>(options.LibvirtUri.StartsWith("test:", StringComparison.Ordinal)
            ? new InMemoryGuestNatDriver()
            : new NftGuestNatDriver());
        services.AddSingleton<FloatingIpRepository>();
        services.AddSingleton<GuestNatPlane>();
        services.AddSingleton<FloatingIpService>();
        return services;
    }

    private static IServiceCollection AddServers(this IServiceCollection services)
    {
        services.AddSingleton<ServerChanges>();
        services.AddSingleton<IServerChangeFeed>(provider => provider.GetRequiredService<ServerChanges>());
        services.AddSingleton<ServerRepository>();
        services.AddSingleton<ServerListReader>();
        services.AddSingleton<InstanceActions>();
        services.AddSingleton<ServerQuotas>();
        services.AddSingleton<ServerFaults>();
        services.AddSingleton<ServerTaskRunner>();
        services.AddSingleton<ServerOperations>();
        services.AddSingleton<GuestMetadata>();
        services.AddSingleton<GuestMetadataService>();
        services.AddSingleton<ServerBuilder>();
        services.AddSingleton<ServerDeleter>();
        services.AddSingleton<ServerService>();
        services.AddSingleton<CrashDumpService>();
        services.AddSingleton<ServerPowerService>();
        services.AddSingleton<ServerLockService>();
        services.AddSingleton<ServerSnapshotService>();
        services.AddSingleton<ServerPasswordService>();
        services.AddSingleton<ServerRebuildService>();
        services.AddSingleton<ServerResizeService>();
        services.AddSingleton<ResizeAutoConfirm>();
        services.AddHostedService(provider => provider.GetRequiredService<ResizeAutoConfirm>());
        services.AddSingleton<ServerMetadataService>();
        services.AddSingleton<ServerTagService>();
        services.AddSingleton<ServerConsole>();
        services.AddSingleton<InstanceActionHistory>();
        services.AddSingleton<ServerReconciler>();
        services.AddSingleton<PowerStateSync>();
        services.AddHostedService(provider => provider.GetRequiredService<PowerStateSync>());
        return services;
    }

    /// <summary>
    /// Repairs what a crash of the server left half-done (interrupted uploads, builds and deletes). Only the server runs it:
    /// CLI verbs open the same data dir while a server may be mid-upload.
    /// </summary>
    public static async Task RecoverAfterRestartAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        await services.GetRequiredService<ImageUploader>().RecoverAsync(cancellationToken);
        // Networks first: the guests the reconciler starts again plug into them.
        await services.GetRequiredService<NetworkBootstrap>().EnsureAsync(cancellationToken);
        await services.GetRequiredService<ServerReconciler>().ReconcileAsync(cancellationToken);
    }

    /// <summary>Folds the store's write-ahead log back into its file: the server does it as it stops, so the .db is whole on its own.</summary>
    public static Task CheckpointStoreAsync(this IServiceProvider services, CancellationToken cancellationToken = default) =>
        services.GetRequiredService<Database>().CheckpointAsync(cancellationToken);

    /// <summary>Brings the store to the current schema before the first request is served.</summary>
    public static async Task InitializeApplianceCoreAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        await services.GetRequiredService<Migrator>().MigrateAsync(cancellationToken);
        await services.GetRequiredService<InstallationStore>().EnsureAsync(cancellationToken);
        await services.GetRequiredService<IdentityBootstrap>().EnsureAsync(cancellationToken);
    }
}
