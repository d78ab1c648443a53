using Appliance.Core.Quotas;
using Appliance.Web.Microversions;

namespace Appliance.Web.Compute.Quotas;

/// <summary>Nova's quota_set bodies: limits (with the project id, except after an update) and the detail with usage.</summary>
public static class QuotaSetView
{
    public static Dictionary<string, object> Limits(string? projectId, QuotaLimits limits, ApiVersion version)
    {
        var set = new Dictionary<string, object>();
        if (projectId is not null)
        {
            set["id"] = projectId;
        }

        foreach (var resource in QuotaSetVisibility.Resources(version))
        {
            set[resource] = limits[resource];
        }

        return new() { ["quota_set"] = set };
    }

    public static Dictionary<string, object> WithUsage(string projectId, QuotaLimits limits, ServerUsage usage, ApiVersion version)
    {
        var set = new Dictionary<string, object> { ["id"] = projectId };
        foreach (var resource in QuotaSetVisibility.Resources(version))
        {
            // Nova no longer reserves ahead of use; "reserved" stays in the body as 0.
            set[resource] = new Dictionary<string, object> { ["in_use"] = usage.InUse(resource), ["limit"] = limits[resource], ["reserved"] = 0 };
        }

        return new() { ["quota_set"] = set };
    }
}
