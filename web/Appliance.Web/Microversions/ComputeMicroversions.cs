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

    /// <summary>Key pairs carry a type (ssh or x509); create answers 201 and delete 204.</summary>
    public static readonly ApiVersion KeypairType = new(2, 2);

    /// <summary>Adding tenant access to a public flavor is refused with 409.</summary>
    public static readonly ApiVersion FlavorAccessPublicConflict = new(2, 7);

    /// <summary>Admins may act on another user's key pairs (user_id in the create body or the query).</summary>
    public static readonly ApiVersion KeypairUserId = new(2, 10);

    /// <summary>The key pair list pages by name with limit and marker, and links the next page.</summary>
    public static readonly ApiVersion KeypairPaging = new(2, 35);

    /// <summary>From here on the image proxy (/images) is gone, as in Nova.</summary>
    public static readonly ApiVersion ImageProxyRemoved = new(2, 36);

    /// <summary>From here on image metadata (/images/{id}/metadata) is gone, as in Nova.</summary>
    public static readonly ApiVersion ImageMetadataProxyRemoved = new(2, 39);

    /// <summary>What a request without a version header gets, as in Nova.</summary>
    public static readonly ApiVersion Default = Minimum;
}
