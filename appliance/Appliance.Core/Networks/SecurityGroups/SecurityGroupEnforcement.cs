namespace Appliance.Core.Networks;

/// <summary>Brings the data plane's filters in line with the store's groups, rules and port memberships.</summary>
public sealed class SecurityGroupEnforcement
{
    public Task ApplyAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;
}
