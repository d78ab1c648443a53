namespace Appliance.Core.Servers;

/// <summary>A refusal of a server request, with the HTTP status and Nova's message for it.</summary>
public sealed class ServerException(int status, string message) : Exception(message)
{
    public int Status { get; } = status;

    public static ServerException NotFound(string uuid) => new(404, $"Instance {uuid} could not be found.");
}
