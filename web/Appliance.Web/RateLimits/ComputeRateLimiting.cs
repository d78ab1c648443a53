using System.Globalization;
using System.Threading.RateLimiting;
using Appliance.Web.Faults;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;

namespace Appliance.Web.RateLimits;

/// <summary>Nova's per-project rate limits on the compute API, enforced by ASP.NET Core's rate-limiting middleware.</summary>
public static class ComputeRateLimiting
{
    public const string RateLimitedMessage = "This request was rate-limited.";

    public static IServiceCollection AddComputeRateLimits(this IServiceCollection services)
    {
        services.AddSingleton<ProjectRateLimits>();
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<ProjectRateLimits>((options, limits) =>
        {
            options.GlobalLimiter = limits.CreateLimiter();
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = (rejected, _) => new ValueTask(FaultWriter.WriteAsync(rejected.HttpContext, OverLimit(rejected.Lease)));
        });
        return services;
    }

    /// <summary>After authentication (the limits are per project) and only when enabled.</summary>
    public static IApplicationBuilder UseComputeRateLimits(this IApplicationBuilder app) =>
        app.ApplicationServices.GetRequiredService<ProjectRateLimits>().Enabled ? app.UseRateLimiter() : app;

    /// <summary>Nova's RateLimitFault: 429 overLimit with which limit was hit and, in whole seconds rounded up, when to retry.</summary>
    private static Fault OverLimit(RateLimitLease lease)
    {
        var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.Zero;
        lease.TryGetMetadata(MetadataName.ReasonPhrase, out var details);
        return new Fault(StatusCodes.Status429TooManyRequests, RateLimitedMessage)
        {
            RetryAfterSeconds = Math.Max(0, (int)Math.Ceiling(retryAfter.TotalSeconds)),
            Details = details,
        };
    }
}
