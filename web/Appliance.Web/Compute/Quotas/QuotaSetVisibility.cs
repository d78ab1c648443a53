using Appliance.Core.Quotas;
using Appliance.Web.Microversions;

namespace Appliance.Web.Compute.Quotas;

/// <summary>Which quota resources a microversion shows and accepts: from 2.36 on, none of nova-network's.</summary>
public static class QuotaSetVisibility
{
    public static IEnumerable<string> Resources(ApiVersion version) =>
        version >= ComputeMicroversions.NetworkQuotasRemoved
            ? QuotaResources.All.Except(QuotaResources.Network)
            : QuotaResources.All;
}
