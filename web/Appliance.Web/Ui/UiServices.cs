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

    public static IServiceCollection AddApplianceUi(this IServiceCollection services)
    {
        services.AddRazorComponents().AddInteractiveServerComponents();
        // Keys kept in the data dir (owner only), so a sign-in cookie and an open page's form outlive a restart of the appliance.
        services.AddDataProtection().SetApplicationName("appliance");
        services.AddOptions<KeyManagementOptions>()
            .Configure<DataPaths>((options, paths) => options.XmlRepository = new PrivateKeyRepository(Path.Combine(paths.Root, KeyDirectory)));
        // Its only job is warming the key ring at startup; an appliance whose page nobody opens never makes a key.
        foreach (var warmup in services.Where(d => d.ImplementationType?.FullName == "Microsoft.AspNetCore.DataProtection.Internal.DataProtectionHostedService").ToList())
        {
            services.Remove(warmup);
        }

        services.AddSingleton<UsageCounter>();
        services.AddSingleton<UsageHistory>();
        services.AddHostedService(provider => provider.GetRequiredService<UsageHistory>());
        services.AddSingleton<HostStatusReader>();
        services.AddScoped<UiSession>();
        services.AddScoped<UiCaller>();
        services.AddUiCookie();
        services.AddScoped<UiSignIn>();
        services.AddScoped<IUiSessionRestore, UiSessionRestore>();
        services.AddScoped<IHostStatusSource, HostStatusSource>();
        services.AddScoped<IServerCatalog, ServerCatalog>();
        services.AddScoped<IImageShelf, ImageShelf>();
        return services;
    }

    /// <summary>
    /// /ui and below: the page, its script and styles, and the circuit's hub (/ui/_blazor). The branch is built on the
    /// first /ui request, so an appliance nobody looks at never loads Blazor's endpoints.
    /// </summary>
    public static IApplicationBuilder MapApplianceUi(this IApplicationBuilder app)
    {
        var branch = new Lazy<RequestDelegate>(() => BuildBranch(app.New()), LazyThreadSafetyMode.ExecutionAndPublication);
        return app.Use(async (context, next) =>
        {
            if (!context.Request.Path.StartsWithSegments(PathBase, out var remaining))
            {
                await next(context);
                return;
            }

            var (path, pathBase) = (context.Request.Path, context.Request.PathBase);
            context.Request.PathBase = pathBase.Add(PathBase);
            context.Request.Path = remaining;
            try
            {
                await branch.Value(context);
            }
            finally
            {
                (context.Request.Path, context.Request.PathBase) = (path, pathBase);
            }
        });
    }

    private static RequestDelegate BuildBranch(IApplicationBuilder ui)
    {
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
        return ui.Build();
    }
}
