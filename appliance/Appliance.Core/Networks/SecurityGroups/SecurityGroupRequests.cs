namespace Appliance.Core.Networks;

/// <summary>What a group create or update gives; null is "not given".</summary>
public sealed record SecurityGroupRequest(string? Name, string? Description = null, string? ProjectId = null, bool? Stateful = null);

/// <summary>What a rule create gives, as the client sent it; null is "not given". <see cref="SecurityGroupRuleChecks"/> checks and normalises it.</summary>
public sealed record SecurityGroupRuleRequest(string SecurityGroupId, string Direction)
{
    public string? Ethertype { get; init; }

    public string? Protocol { get; init; }

    public int? PortRangeMin { get; init; }

    public int? PortRangeMax { get; init; }

    public string? RemoteIpPrefix { get; init; }

    public string? RemoteGroupId { get; init; }

    public string? Description { get; init; }

    public string? ProjectId { get; init; }
}
