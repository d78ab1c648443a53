namespace Appliance.Core;

/// <summary>
/// A request the core refused, said in domain terms; the message is the API's own wording (Nova's, Glance's or
/// Keystone's) and safe to show the caller. Each API answers each kind with its own status, in one place in web.
/// </summary>
public abstract class RequestRefusedException(string message) : Exception(message);

/// <summary>What the request names does not exist, or is not the caller's to see.</summary>
public class NotFoundException(string message) : RequestRefusedException(message);

/// <summary>The request conflicts with the current state of what it names: a server's vm or task state, its lock, an image's status.</summary>
public class ConflictException(string message) : RequestRefusedException(message);

/// <summary>What the request would create exists already.</summary>
public class AlreadyExistsException(string message) : ConflictException(message);

/// <summary>The request itself is wrong: a value out of bounds, a reference to something it cannot use, a limit below usage.</summary>
public class InvalidRequestException(string message) : RequestRefusedException(message);

/// <summary>The caller may not do this: policy, ownership or the thing's own protection forbids it.</summary>
public class ForbiddenException(string message) : RequestRefusedException(message);

/// <summary>Doing this would take the caller over one of its quotas.</summary>
public class OverQuotaException(string message) : RequestRefusedException(message);

/// <summary>The caller has tried too often; it may try again after <see cref="RetryAfter"/>.</summary>
public class TooManyRequestsException(string message, TimeSpan retryAfter) : RequestRefusedException(message)
{
    public TimeSpan RetryAfter { get; } = retryAfter;
}

/// <summary>The appliance cannot take this now (a bounded resource is busy); the caller may retry after <see cref="RetryAfter"/>.</summary>
public class ServiceBusyException(string message, TimeSpan retryAfter) : RequestRefusedException(message)
{
    public TimeSpan RetryAfter { get; } = retryAfter;
}
