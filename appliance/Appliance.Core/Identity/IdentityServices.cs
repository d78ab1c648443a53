using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Appliance.Core.Identity;

/// <summary>Registers the identity services; the clock is replaceable so tests can make tokens expire.</summary>
public static class IdentityServices
{
    public static IServiceCollection AddApplianceIdentity(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<DomainService>();
        services.AddSingleton<ProjectService>();
        services.AddSingleton<UserService>();
        services.AddSingleton<RoleService>();
        services.AddSingleton<AssignmentService>();
        services.AddSingleton<TokenService>();
        services.AddSingleton<LoginThrottle>();
        services.AddSingleton<AccountLockout>();
        services.AddSingleton<PasswordHashingPool>();
        services.AddSingleton<RecentFailedLogins>();
        services.AddSingleton<Authenticator>();
        services.AddSingleton<IdentityBootstrap>();
        return services;
    }
}
