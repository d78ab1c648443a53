using System.Text;
using System.Text.Json.Nodes;
using Appliance.Core.Servers;

namespace Appliance.Web.Metadata;

/// <summary>
/// What the metadata service answers for a path, as Nova's: directory listings one name per line, the openstack tree's
/// files as the config drive has them, and the EC2 meta-data tree walked key by key. Null when there is nothing there.
/// </summary>
public static class MetadataTree
{
    public sealed record Answer(byte[] Body, string ContentType);

    public static Answer? Resolve(GuestMetadataFiles guest, string path)
    {
        var parts = path.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0)
        {
            return Listing(guest.Ec2Versions.Append("latest").Append("openstack"));
        }

        return parts[0] == "openstack" ? OpenStack(guest, parts[1..]) : Ec2(guest, parts);
    }

    private static Answer? OpenStack(GuestMetadataFiles guest, string[] parts)
    {
        if (parts.Length == 0)
        {
            return Listing(guest.OpenStackVersions.Append("latest"));
        }

        var prefix = $"openstack/{parts[0]}/";
        if (parts.Length == 1)
        {
            var names = guest.Files.Keys.Where(key => key.StartsWith(prefix, StringComparison.Ordinal)).Select(key => key[prefix.Length..]).Order(StringComparer.Ordinal).ToList();
            return names.Count == 0 ? null : Listing(names);
        }

        return guest.Files.TryGetValue(prefix + string.Join('/', parts[1..]), out var content)
            ? new Answer(content, parts[^1].EndsWith(".json", StringComparison.Ordinal) ? "application/json" : "text/plain")
            : null;
    }

    private static Answer? Ec2(GuestMetadataFiles guest, string[] parts)
    {
        if (parts[0] != "latest" && !guest.Ec2Versions.Contains(parts[0]))
        {
            return null;
        }

        var userData = guest.Files.GetValueOrDefault($"ec2/{parts[0]}/user-data");
        if (parts.Length == 1)
        {
            return Listing(userData is null ? ["meta-data/"] : ["meta-data/", "user-data"]);
        }

        if (parts[1] == "user-data")
        {
            return parts.Length == 2 && userData is not null ? new Answer(userData, "text/plain") : null;
        }

        return parts[1] == "meta-data" ? Walk(guest.Ec2MetaData, parts[2..]) : null;
    }

    /// <summary>Down the EC2 tree: an object lists its keys (sub-trees with a slash), a list its items, a value itself.</summary>
    private static Answer? Walk(JsonNode? node, string[] parts)
    {
        foreach (var part in parts)
        {
            if (node is not JsonObject tree)
            {
                return null;
            }

            // public-keys lists "0=name", as EC2 does; the key is reached by its index.
            var key = part.Split('=')[0];
            node = tree.TryGetPropertyValue(key, out var child) ? child : null;
        }

        return node switch
        {
            JsonObject tree => Listing(tree.Select(pair => pair.Value is JsonObject ? pair.Key + "/" : pair.Key)),
            JsonArray items => Text(string.Join('\n', items.Select(item => item?.ToString()))),
            null => null,
            _ => Text(node.ToString()),
        };
    }

    private static Answer Listing(IEnumerable<string> names) => Text(string.Join('\n', names));

    private static Answer Text(string text) => new(Encoding.UTF8.GetBytes(text), "text/plain");
}
