namespace Appliance.Web.Microversions;

/// <summary>
/// The one place that decides what each compute microversion enables. Raise <see cref="Maximum"/> only
/// together with the behaviour that version adds, and name that behaviour here, e.g.
/// <c>public static readonly ApiVersion LockedReason = new(2, 73);</c>, checked with
/// <c>request.Supports(ComputeMicroversions.LockedReason)</c>.
/// </summary>
public static class ComputeMicroversions
{
    public static readonly ApiVersion Minimum = new(2, 1);

    /// <summary>The newest microversion whose behaviour is implemented in full.</summary>
    public static readonly ApiVersion Maximum = new(2, 1);

    /// <summary>From here on the image proxy (/images) is gone, as in Nova.</summary>
    public static readonly ApiVersion ImageProxyRemoved = new(2, 36);

    /// <summary>From here on image metadata (/images/{id}/metadata) is gone, as in Nova.</summary>
    public static readonly ApiVersion ImageMetadataProxyRemoved = new(2, 39);

    /// <summary>From here on quota sets and limits drop the nova-network resources (fixed and floating IPs, security groups and rules).</summary>
    public static readonly ApiVersion NetworkQuotasRemoved = new(2, 36);

    /// <summary>From here on /limits no longer shows maxImageMeta, as image metadata is no longer proxied.</summary>
    public static readonly ApiVersion MaxImageMetaRemoved = new(2, 39);

    /// <summary>What a request without a version header gets, as in Nova.</summary>
    public static readonly ApiVersion Default = Minimum;
}
