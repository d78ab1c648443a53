using System.Globalization;
using System.Text.Json.Serialization;
using Appliance.Core.Keypairs;
using Appliance.Web.Microversions;

namespace Appliance.Web.Compute.Keypairs;

/// <summary>Nova's key pair views: the fields each answer carries, with "type" from 2.2 on.</summary>
public static class KeypairView
{
    /// <summary>{"keypair": ...}: one key pair, alone or as an item of the list.</summary>
    public sealed record One([property: JsonPropertyName("keypair")] Dictionary<string, object?> Keypair);

    public static Dictionary<string, object?> Listed(KeyPair pair, ApiVersion version) =>
        Typed(new Dictionary<string, object?>
        {
            ["fingerprint"] = pair.Fingerprint,
            ["name"] = pair.Name,
            ["public_key"] = pair.PublicKey,
        }, pair, version);

    public static Dictionary<string, object?> Created(KeyPair pair, string? privateKey, ApiVersion version)
    {
        var view = Listed(pair, version);
        view["user_id"] = pair.UserId;
        if (privateKey is not null)
        {
            view["private_key"] = privateKey;
        }

        return view;
    }

    public static Dictionary<string, object?> Shown(KeyPair pair, ApiVersion version)
    {
        var view = Created(pair, privateKey: null, version);
        view["created_at"] = pair.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff", CultureInfo.InvariantCulture);
        // Nova shows its soft-delete columns, though a shown key pair is never deleted nor updated.
        view["deleted"] = false;
        view["deleted_at"] = null;
        view["id"] = pair.Id;
        view["updated_at"] = null;
        return view;
    }

    private static Dictionary<string, object?> Typed(Dictionary<string, object?> view, KeyPair pair, ApiVersion version)
    {
        if (version >= ComputeMicroversions.KeypairType)
        {
            view["type"] = pair.Type;
        }

        return view;
    }
}
