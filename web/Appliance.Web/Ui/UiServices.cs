using Appliance.Core.Configuration;
using Appliance.Core.Status;
using Appliance.Web.Ui.Backend;
using Appliance.Web.Ui.Components;
using Appliance.Web.Ui.Session;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Appliance.Web.Ui;

/// <summary>The status page: Blazor Server components under /ui, on a pipeline branch of their own, apart from the APIs.</summary>
public static class UiServices
{
    public const string PathBase = "/ui";

    /// <summary>Under the data dir: the Data Protection keys that encrypt sign-in cookies and antiforgery tokens.</summary>
    public const string KeyDirectory = "ui-keys";

    /// <summary>
    /// In the appliance's container: the graphs' sampler (it samples from the start, whether or not anyone looks) and
    /// the page's own container, which holds everything else and is built on the first /ui request.
    /// </summary>
    public static IServiceCollection AddApplianceUi(this IServiceCollection services)
    {
        services.AddSingleton<UsageCounter>();
        services.AddSingleton<UsageHistory>();
        services.AddHostedService(provider => provider.GetRequiredService<UsageHistory>());
        services.AddSingleton<HostStatusReader>();
        services.AddSingleton(provider => new UiHost(provider, services));
        return services;
    }

    /// <summary>In the page's own container (see <see cref="UiHost"/>): Blazor, the sign-in cookie and the page's backends.</summary>
    internal static IServiceCollection AddStatusPage(this IServiceCollection services)
    {
        services.AddRouting();
        services.AddRazorComponents().AddInteractiveServerComponents();
        // Keys kept in the data dir (owner only), so a sign-in cookie and an open page's form outlive a restart of the appliance.
        services.AddDataProtection().SetApplicationName("appliance");
        services.AddOptions<KeyManagementOptions>()
            .Configure<DataPaths>((options, paths) => options.XmlRepository = new PrivateKeyRepository(Path.Combine(paths.Root, KeyDirectory)));
        services.AddScoped<UiSession>();
        services.AddScoped<UiCaller>();
        services.AddUiCookie();
        services.AddScoped<UiSignIn>();
        services.AddScoped<IUiSessionRestore, UiSessionRestore>();
        services.AddScoped<IHostStatusSource, HostStatusSource>();
        services.AddScoped<IServerCatalog, ServerCatalog>();
        services.AddScoped<IImageShelf, ImageShelf>();
        services.AddScoped<INetworkCatalog, NetworkCatalog>();
        services.AddScoped<ILoginActivity, LoginActivity>();
        return services;
    }

    /// <summary>
    /// /ui and below: the page, its script and styles, and the circuit's hub (/ui/_blazor). The branch and the page's
    /// container are built on the first /ui request; each /ui request runs in a scope of the page's container.
    /// </summary>
    public static IApplicationBuilder MapApplianceUi(this IApplicationBuilder app)
    {
        var branch = new Lazy<(RequestDelegate Pipeline, IServiceProvider Services)>(() => BuildBranch(app), LazyThreadSafetyMode.ExecutionAndPublication);
        return app.Use(async (context, next) =>
        {
            if (!context.Request.Path.StartsWithSegments(PathBase, out var remaining))
            {
                await next(context);
                return;
            }

            var (pipeline, uiServices) = branch.Value;
            await using var scope = uiServices.CreateAsyncScope();
            var (path, pathBase, requestServices) = (context.Request.Path, context.Request.PathBase, context.RequestServices);
            context.Request.PathBase = pathBase.Add(PathBase);
            context.Request.Path = remaining;
            context.RequestServices = scope.ServiceProvider;
            try
            {
                await pipeline(context);
            }
            finally
            {
                (context.Request.Path, context.Request.PathBase, context.RequestServices) = (path, pathBase, requestServices);
            }
        });
    }

    private static (RequestDelegate Pipeline, IServiceProvider Services) BuildBranch(IApplicationBuilder app)
    {
        var ui = app.New();
        ui.ApplicationServices = app.ApplicationServices.GetRequiredService<UiHost>().Services;
        ui.Use((context, next) =>
        {
            // "/ui" itself: the page's relative links need the trailing slash.
            if (context.Request.Path == PathString.Empty)
            {
                context.Response.Redirect(PathBase + "/");
                return Task.CompletedTask;
            }

            return next(context);
        });
        ui.UseStaticFiles();
        ui.UseRouting();
        ui.Use(UiCookie.AuthenticateCircuitAsync);
        ui.UseAntiforgery();
        ui.UseEndpoints(endpoints =>
        {
            endpoints.MapUiSession();
            endpoints.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        });
        return (ui.Build(), ui.ApplicationServices);
    }
}
