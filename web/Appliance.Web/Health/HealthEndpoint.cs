using System.Text.Json;
using Appliance.Core.Health;
using Appliance.Core.HostChecks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace Appliance.Web.Health;

/// <summary>GET /healthz: 200 when the database and the hypervisor connection answer, else 503.</summary>
public static class HealthEndpoint
{
    public const string Path = "/healthz";

    public static IServiceCollection AddApplianceHealthChecks(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database")
            .AddCheck<HypervisorHealthCheck>("hypervisor");
        return services;
    }

    public static IEndpointRouteBuilder MapHealthEndpoint(this IEndpointRouteBuilder routes)
    {
        routes.MapHealthChecks(Path, new HealthCheckOptions { ResponseWriter = WriteReport });
        return routes;
    }

    // Descriptions are ours, never libvirt's raw text, which can name sockets and other host paths.
    private static Task WriteReport(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=UTF-8";
        var body = new
        {
            status = report.Status.ToString().ToLowerInvariant(),
            checks = report.Entries.ToDictionary(
                entry => entry.Key,
                entry => new { status = entry.Value.Status.ToString().ToLowerInvariant(), detail = entry.Value.Description }),
        };
        return JsonSerializer.SerializeAsync(context.Response.Body, body, cancellationToken: context.RequestAborted);
    }

    private sealed class DatabaseHealthCheck(HostHealth health, ILogger<DatabaseHealthCheck> logger) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                await health.CheckDatabaseAsync(cancellationToken);
                return HealthCheckResult.Healthy("database answers");
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Database health check failed");
                return HealthCheckResult.Unhealthy("database does not answer");
            }
        }
    }

    private sealed class HypervisorHealthCheck(HostHealth health, HostProfile profile, ILogger<HypervisorHealthCheck> logger) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                return HealthCheckResult.Healthy($"{await health.CheckHypervisorAsync(cancellationToken)}; {profile.Summary}");
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Hypervisor health check failed");
                return HealthCheckResult.Unhealthy("hypervisor connection does not answer");
            }
        }
    }
}
