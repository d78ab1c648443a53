using Appliance.Core;
using Appliance.Core.Identity;
using Appliance.Core.Networks;
using Appliance.Web.Identity;
using Appliance.Web.Image;
using Appliance.Web.Network;
using Microsoft.AspNetCore.Http;

namespace Appliance.Web.Faults;

/// <summary>The APIs the appliance answers, each in its own error body: Nova's fault for compute and image, Keystone's error for identity, Neutron's for network.</summary>
public enum FaultApi
{
    Compute,
    Image,
    Identity,
    Network,
}

/// <summary>
/// The one exception-to-fault map: which status and message each refusal gets, per API. The core says what went wrong
/// (<see cref="RequestRefusedException"/> and its kinds); only here does that become an HTTP status.
/// </summary>
public static class FaultMap
{
    public static FaultApi ApiOf(HttpRequest request) =>
        request.Path.StartsWithSegments(IdentityUrls.IdentityPrefix) ? FaultApi.Identity
        : request.Path.StartsWithSegments(GlanceApi.Prefix) ? FaultApi.Image
        : request.Path.StartsWithSegments(NeutronApi.Prefix) ? FaultApi.Network
        : FaultApi.Compute;

    /// <summary>The fault a client caused, or null when the exception is not one (a bug: answered as a bare 500).</summary>
    public static Fault? For(Exception error, FaultApi api, Endpoint? endpoint) => error switch
    {
        FaultException e => e.Fault,
        KeystoneErrorException e => new Fault(e.Error.Code, e.Error.Message),
        // Kestrel's own refusals: body over the limit, truncated body, bad framing.
        BadHttpRequestException e => e.StatusCode == StatusCodes.Status413PayloadTooLarge
            ? new Fault(StatusCodes.Status413PayloadTooLarge, Fault.RequestTooLargeMessage)
            : Fault.BadRequest(Fault.MalformedBodyMessage),
        RequestRefusedException e when Status(e, api) is { } status => new Fault(status, Worded(e, endpoint))
        {
            NeutronType = (e as INeutronTypedRefusal)?.Type,
            RetryAfterSeconds = RetryAfter(e) is { } wait ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)) : null,
        },
        // Nova answers a NIC the hypervisor would not take with its 500 and this message, not a bare error.
        InterfaceAttachFailedException e => new Fault(StatusCodes.Status500InternalServerError, e.Message),
        _ => null,
    };

    private static int? Status(RequestRefusedException refusal, FaultApi api) => refusal switch
    {
        NotFoundException => StatusCodes.Status404NotFound,
        ConflictException => StatusCodes.Status409Conflict,
        InvalidRequestException => StatusCodes.Status400BadRequest,
        ForbiddenException => StatusCodes.Status403Forbidden,
        // Nova forbids what would go over a quota; Glance answers a full image store with 413.
        OverQuotaException => api == FaultApi.Image ? StatusCodes.Status413PayloadTooLarge : StatusCodes.Status403Forbidden,
        AuthenticationFailedException => StatusCodes.Status401Unauthorized,
        TooManyRequestsException => StatusCodes.Status429TooManyRequests,
        ServiceBusyException => StatusCodes.Status503ServiceUnavailable,
        _ => null,
    };

    private static TimeSpan? RetryAfter(RequestRefusedException refusal) => refusal switch
    {
        TooManyRequestsException e => e.RetryAfter,
        ServiceBusyException e => e.RetryAfter,
        _ => null,
    };

    /// <summary>The core's message, unless the route words this refusal its own way (<see cref="FaultWording"/>).</summary>
    private static string Worded(RequestRefusedException refusal, Endpoint? endpoint) =>
        endpoint?.Metadata.GetOrderedMetadata<FaultWording>().LastOrDefault(wording => wording.Refusal.IsInstanceOfType(refusal))?.Message
        ?? refusal.Message;
}
