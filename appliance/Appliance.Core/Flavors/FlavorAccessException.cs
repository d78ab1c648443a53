namespace Appliance.Core.Flavors;

/// <summary>Why a flavor access change was refused; the message is safe to show the caller.</summary>
public sealed class FlavorAccessException(int status, string message) : Exception(message)
{
    /// <summary>The HTTP status Nova answers with: 404 or 409.</summary>
    public int Status { get; } = status;
}
