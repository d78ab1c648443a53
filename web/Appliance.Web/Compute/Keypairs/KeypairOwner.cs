using Appliance.Web.Faults;
using Appliance.Web.Microversions;

namespace Appliance.Web.Compute.Keypairs;

/// <summary>Whose key pairs a request acts on: the caller's, or from 2.10 another user's when an admin names one.</summary>
public static class KeypairOwner
{
    /// <summary>The user named in the query (its first user_id, as Nova reads it), from 2.10 on.</summary>
    public static string? FromQuery(ComputeRequestServices services) =>
        services.Version >= ComputeMicroversions.KeypairUserId
        && services.Query.TryGetValue("user_id", out var values) && values.Count > 0
            ? values[0]
            : null;

    /// <summary>Nova's rule "admin or the key pairs' own user"; anyone else is refused with 403.</summary>
    public static string Resolve(ComputeRequestServices services, string? requestedUserId, string action)
    {
        var caller = services.Caller;
        var userId = string.IsNullOrEmpty(requestedUserId) ? caller.UserId : requestedUserId;
        return userId == caller.UserId || caller.IsAdmin
            ? userId
            : throw new FaultException(new Fault(403, $"Policy doesn't allow os_compute_api:os-keypairs:{action} to be performed."));
    }
}
