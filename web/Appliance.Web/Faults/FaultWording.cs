using Appliance.Core;

namespace Appliance.Web.Faults;

/// <summary>
/// Endpoint metadata: the message a route answers one kind of refusal with, where its API words it differently from
/// the core, as Nova's image proxy says "Image not found." for Glance's "No image found with ID ...". The fault map
/// applies it; the route's own wording wins over its group's.
/// </summary>
public sealed record FaultWording(Type Refusal, string Message)
{
    public static FaultWording For<TRefusal>(string message) where TRefusal : RequestRefusedException => new(typeof(TRefusal), message);
}
