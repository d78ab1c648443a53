using Appliance.Web.Compute;
using Appliance.Web.Compute.Flavors;
using Appliance.Web.Compute.Images;
using Appliance.Web.Compute.Keypairs;
using Appliance.Web.Compute.Networks;
using Appliance.Web.Compute.Quotas;
using Appliance.Web.Compute.SecurityGroups;
using Appliance.Web.Compute.Servers;
using Appliance.Web.Faults;
using Appliance.Web.Health;
using Appliance.Web.Identity;
using Appliance.Web.Image;
using Appliance.Web.Metadata;
using Appliance.Web.Microversions;
using Appliance.Web.Network;
using Appliance.Web.Observability;
using Appliance.Web.Pipeline;
using Appliance.Web.RateLimits;
using Appliance.Web.Ui;
using Appliance.Web.Versions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Appliance.Web;

/// <summary>The HTTP side's wiring: services, then the pipeline in the order a request meets it.</summary>
public static class WebServices
{
    public static IServiceCollection AddApplianceWeb(this IServiceCollection services)
    {
        services.AddRouting();
        services.AddApplianceHealthChecks();
        services.AddComputeRateLimits();
        services.ConfigureHttpJsonOptions(options => options.SerializerOptions.PropertyNamingPolicy = null);
        services.AddSingleton<RequestLog>();
        services.AddApplianceUi(); // the status page under /ui
        return services;
    }

    /// <summary>Logs one line per event with the request id; used by the executable and the test hosts alike.</summary>
    public static ILoggingBuilder AddApplianceConsoleLog(this ILoggingBuilder logging)
    {
        logging.ClearProviders();
        logging.AddConsole(options => options.FormatterName = RequestIdConsoleFormatter.Name);
        logging.AddConsoleFormatter<RequestIdConsoleFormatter, Microsoft.Extensions.Logging.Console.ConsoleFormatterOptions>();
        return logging;
    }

    public static IApplicationBuilder UseApplianceWeb(this IApplicationBuilder app)
    {
        app.UseGuestMetadata(); // 169.254.169.254 branches off first: guests get their metadata there and nothing else
        app.UseMiddleware<RequestIdMiddleware>();
        app.MapApplianceUi(); // /ui branches off here: the APIs' faults, auth and JSON rules do not apply to the page
        app.UseMiddleware<RequestLogMiddleware>();
        app.UseMiddleware<FaultMiddleware>();
        app.UseStatusCodeFaults();
        app.UseMiddleware<AuthTokenMiddleware>(); // before routing: it may fold /v2.1/{project_id}/... into /v2.1/...
        app.UseComputeRateLimits(); // after auth: the limits are per project
        app.UseRouting();
        app.UseMiddleware<KeystoneErrorMiddleware>();
        app.UseMiddleware<BodyLimitMiddleware>();
        app.UseMiddleware<MicroversionMiddleware>();
        app.UseMiddleware<JsonContentTypeMiddleware>();
        app.UseEndpoints(routes => routes.MapApplianceEndpoints());
        return app;
    }

    public static IEndpointRouteBuilder MapApplianceEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapVersionsApi();
        routes.MapHealthEndpoint();
        routes.MapIdentityApi();
        routes.MapAvailabilityZoneApi();
        routes.MapGlanceApi();
        routes.MapNeutronApi();
        routes.MapComputeImagesApi();
        routes.MapFlavorsApi();
        routes.MapFlavorAccessApi();
        routes.MapKeypairsApi();
        routes.MapServersApi();
        routes.MapQuotaSetsApi();
        routes.MapLimitsApi();
        routes.MapServerMetadataApi();
        routes.MapServerIpsApi();
        routes.MapServerInterfacesApi();
        routes.MapComputeSecurityGroupsApi();
        routes.MapServerActionsApi();
        routes.MapInstanceActionsApi();
        routes.MapServerTagsApi();
        routes.MapComputeNetworksApi();
        routes.MapComputeFpingApi();
        return routes;
    }
}
