using Appliance.Core.Status;
using Appliance.Web.Ui.Backend;
using Appliance.Web.Ui.Components;
using Appliance.Web.Ui.Session;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Appliance.Web.Ui;

/// <summary>The status page: Blazor Server components under /ui, on a pipeline branch of their own, apart from the APIs.</summary>
public static class UiServices
{
    public const string PathBase = "/ui";

    public static IServiceCollection AddApplianceUi(this IServiceCollection services)
    {
        services.AddRazorComponents().AddInteractiveServerComponents();
        // Circuits and antiforgery tokens live no longer than the process: in-memory keys, nothing written to disk.
        services.AddDataProtection().UseEphemeralDataProtectionProvider();
        services.AddSingleton<UsageCounter>();
        services.AddSingleton<UsageHistory>();
        services.AddHostedService(provider => provider.GetRequiredService<UsageHistory>());
        services.AddSingleton<HostStatusReader>();
        services.AddScoped<UiSession>();
        services.AddScoped<UiCaller>();
        services.AddScoped<IUiSignIn, UiSignIn>();
        services.AddScoped<IHostStatusSource, HostStatusSource>();
        services.AddScoped<IServerCatalog, ServerCatalog>();
        services.AddScoped<IImageShelf, ImageShelf>();
        return services;
    }

    /// <summary>/ui and below: the page, its script and styles, and the circuit's hub (/ui/_blazor).</summary>
    public static IApplicationBuilder MapApplianceUi(this IApplicationBuilder app) =>
        app.Map(PathBase, ui =>
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
            ui.UseAntiforgery();
            ui.UseEndpoints(endpoints => endpoints.MapRazorComponents<App>().AddInteractiveServerRenderMode());
        });
}
