namespace Appliance.Core.Identity;

// The identity services' refusals, in Keystone's wording; each is one of the core's kinds of refusal.

public class IdentityNotFoundException : NotFoundException
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
    : AlreadyExistsException($"Conflict occurred attempting to store {kind} - {details}.");

public sealed class IdentityValidationException(string message) : InvalidRequestException(message)
{
    /// <summary>Keystone's ValidationError text for a missing attribute.</summary>
    public static IdentityValidationException Missing(string attribute, string target) => new(
        $"Expecting to find {attribute} in {target}. The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error.");
}

public sealed class IdentityForbiddenException(string message) : ForbiddenException(message);

/// <summary>One answer for every failed login (unknown user, wrong password, disabled, no role): no enumeration.</summary>
public sealed class AuthenticationFailedException() : RequestRefusedException(RequiresAuthenticationMessage)
{
    public const string RequiresAuthenticationMessage = "The request you have made requires authentication.";
}
