using System.Text.Json;
using System.Text.Json.Serialization;

namespace Appliance.Core.Servers;

/// <summary>Why a server went to ERROR, as Nova's instance fault: shown in the server view while it is ERROR.</summary>
public sealed record ServerFault(
    [property: JsonPropertyName("code")] int Code,
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("details")] string? Details,
    [property: JsonPropertyName("created")] string Created)
{
    public string ToJson() => JsonSerializer.Serialize(this);

    public static ServerFault? FromJson(string? json) => json is null ? null : JsonSerializer.Deserialize<ServerFault>(json);
}
