namespace Appliance.Core.Identity;

/// <summary>Something a caller of the identity services got wrong; messages are Keystone's wording, safe to show.</summary>
public abstract class IdentityException(string message) : Exception(message);

public class IdentityNotFoundException : IdentityException
{
    public IdentityNotFoundException(string kind, string id) : base($"Could not find {kind}: {id}.")
    {
    }

    protected IdentityNotFoundException(string message) : base(message)
    {
    }
}

public sealed class RoleAssignmentNotFoundException(string roleId, string userId, string projectId) : IdentityNotFoundException(
    $"Could not find role assignment with role: {roleId}, user or group: {userId}, project, domain, or system: {projectId}.");

public sealed class IdentityConflictException(string kind, string details)
    : IdentityException($"Conflict occurred attempting to store {kind} - {details}.");

public sealed class IdentityValidationException(string message) : IdentityException(message)
{
    /// <summary>Keystone's ValidationError text for a missing attribute.</summary>
    public static IdentityValidationException Missing(string attribute, string target) => new(
        $"Expecting to find {attribute} in {target}. The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error.");
}

public sealed class IdentityForbiddenException(string message) : IdentityException(message);

/// <summary>One answer for every failed login (unknown user, wrong password, disabled, no role): no enumeration.</summary>
public sealed class AuthenticationFailedException() : IdentityException(Message401)
{
    public const string Message401 = "The request you have made requires authentication.";
}
