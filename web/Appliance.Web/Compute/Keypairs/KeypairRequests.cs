using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Appliance.Core.Keypairs;
using Appliance.Web.Faults;
using Appliance.Web.Json;
using Appliance.Web.Microversions;

namespace Appliance.Web.Compute.Keypairs;

/// <summary>POST /os-keypairs bodies, checked against the schema of the request's microversion (2.1, 2.2, 2.10).</summary>
public static partial class KeypairRequests
{
    /// <summary>What a create asks for, whichever schema it passed; Type and UserId are null where the version has none.</summary>
    public sealed record CreateKeypair(string Name, string? PublicKey, string Type, string? UserId);

    private sealed record Body21([property: JsonPropertyName("keypair")] Keypair21 Keypair);

    private sealed record Keypair21(
        [property: JsonPropertyName("name")] string Name,
        [property: JsonPropertyName("public_key")] string? PublicKey = null);

    private sealed record Body22([property: JsonPropertyName("keypair")] Keypair22 Keypair);

    private sealed record Keypair22(
        [property: JsonPropertyName("name")] string Name,
        [property: JsonPropertyName("public_key")] string? PublicKey = null,
        [property: JsonPropertyName("type")] string Type = KeyPairTypes.Ssh);

    private sealed record Body210([property: JsonPropertyName("keypair")] Keypair210 Keypair);

    private sealed record Keypair210(
        [property: JsonPropertyName("name")] string Name,
        [property: JsonPropertyName("public_key")] string? PublicKey = null,
        [property: JsonPropertyName("type")] string Type = KeyPairTypes.Ssh,
        [property: JsonPropertyName("user_id")] string? UserId = null);

    public static CreateKeypair Create(JsonObject body, ApiVersion version)
    {
        var request = Bind(body, version);
        if (!NamePattern().IsMatch(request.Name))
        {
            throw new FaultException(Fault.BadRequest(
                "Invalid input for field/attribute name. Value must be 1 to 255 of the characters a-z A-Z 0-9 _ - and space."));
        }

        if (!KeyPairTypes.All.Contains(request.Type))
        {
            throw new FaultException(Fault.BadRequest(
                $"Invalid input for field/attribute type. Value: {request.Type}. '{request.Type}' is not one of ['ssh', 'x509']"));
        }

        return request;
    }

    private static CreateKeypair Bind(JsonObject body, ApiVersion version)
    {
        if (version >= ComputeMicroversions.KeypairUserId)
        {
            var keypair = Read<Body210>(body).Keypair;
            return new CreateKeypair(keypair.Name, keypair.PublicKey, keypair.Type, keypair.UserId);
        }

        if (version >= ComputeMicroversions.KeypairType)
        {
            var keypair = Read<Body22>(body).Keypair;
            return new CreateKeypair(keypair.Name, keypair.PublicKey, keypair.Type, UserId: null);
        }

        var original = Read<Body21>(body).Keypair;
        return new CreateKeypair(original.Name, original.PublicKey, KeyPairTypes.Ssh, UserId: null);
    }

    /// <summary>Binds with the strict settings every body gets, so unknown fields name themselves in the 400.</summary>
    private static T Read<T>(JsonObject body)
    {
        try
        {
            return body.Deserialize<T>(StrictJson.Options) ?? throw new FaultException(Fault.BadRequest(Fault.MalformedBodyMessage));
        }
        catch (JsonException e)
        {
            throw new FaultException(Fault.BadRequest(StrictJson.Explain(e)));
        }
    }

    [GeneratedRegex(@"^[_\- a-zA-Z0-9]{1,255}$")]
    private static partial Regex NamePattern();
}
