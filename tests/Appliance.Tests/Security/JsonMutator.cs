using System.Text.Json;
using System.Text.Json.Nodes;

namespace Appliance.Tests.Security;

/// <summary>Applies mutations to a valid JSON body: structural ones on the parsed tree, textual ones on the text.</summary>
public static class JsonMutator
{
    public static string Apply(string json, IEnumerable<Mutation> mutations)
    {
        foreach (var mutation in mutations)
        {
            json = Apply(json, mutation);
        }

        return json;
    }

    private static string Apply(string json, Mutation mutation)
    {
        try
        {
            return ApplyOne(json, mutation);
        }
        catch (Exception e) when (e is JsonException or ArgumentException or InvalidOperationException)
        {
            return json; // a body an earlier mutation made unwalkable (duplicate members, say) goes as it is
        }
    }

    private static string ApplyOne(string json, Mutation mutation)
    {
        switch (mutation.Kind)
        {
            case MutationKind.Truncate:
                return json[..(int)(json.Length * mutation.Where)];
            case MutationKind.InsertText:
                var at = (int)(json.Length * mutation.Where);
                return json[..at] + mutation.Literal + json[at..];
            case MutationKind.DuplicateKey:
                // The same member twice: System.Text.Json keeps the last, Python's json (Nova) too; the app must not fall over.
                var brace = json.IndexOf('{', StringComparison.Ordinal);
                return brace < 0 ? json : json[..(brace + 1)] + $"{JsonSerializer.Serialize(mutation.Key)}: {mutation.Literal}, {JsonSerializer.Serialize(mutation.Key)}: 1, " + json[(brace + 1)..];
        }

        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json);
        }
        catch (JsonException)
        {
            return json; // an earlier textual mutation broke it: nothing to walk
        }

        var nodes = new List<JsonNode>();
        Collect(root, nodes);
        if (nodes.Count == 0)
        {
            return json;
        }

        var target = nodes[Math.Min((int)(nodes.Count * mutation.Where), nodes.Count - 1)];
        var literal = ParseOrString(mutation.Literal);
        switch (mutation.Kind)
        {
            case MutationKind.Replace when target.Parent is JsonObject parent:
                parent[target.GetPropertyName()] = literal;
                break;
            case MutationKind.Replace when target.Parent is JsonArray array:
                array[target.GetElementIndex()] = literal;
                break;
            case MutationKind.Replace:
                return mutation.Literal; // the root itself
            case MutationKind.Remove when target.Parent is JsonObject parent:
                parent.Remove(target.GetPropertyName());
                break;
            case MutationKind.Remove when target.Parent is JsonArray array:
                array.RemoveAt(target.GetElementIndex());
                break;
            case MutationKind.AddKey:
                var into = target as JsonObject ?? target.Parent as JsonObject ?? root as JsonObject;
                if (into is not null)
                {
                    into[mutation.Key] = literal;
                }

                break;
            case MutationKind.WrapInArray when target.Parent is JsonObject parent:
                var name = target.GetPropertyName();
                parent.Remove(name);
                parent[name] = new JsonArray(target);
                break;
            case MutationKind.RenameKey when target.Parent is JsonObject parent:
                var old = target.GetPropertyName();
                parent.Remove(old);
                parent[mutation.Key] = target;
                break;
        }

        return root?.ToJsonString(WriteOptions) ?? "null";
    }

    private static readonly JsonSerializerOptions WriteOptions = new() { MaxDepth = 2048 };

    private static void Collect(JsonNode? node, List<JsonNode> nodes)
    {
        if (node is null)
        {
            return;
        }

        nodes.Add(node);
        switch (node)
        {
            case JsonObject obj:
                foreach (var (_, child) in obj.ToList())
                {
                    Collect(child, nodes);
                }

                break;
            case JsonArray array:
                foreach (var child in array.ToList())
                {
                    Collect(child, nodes);
                }

                break;
        }
    }

    private static JsonNode? ParseOrString(string literal)
    {
        try
        {
            return JsonNode.Parse(literal, documentOptions: new JsonDocumentOptions { MaxDepth = 1024 });
        }
        catch (JsonException)
        {
            return JsonValue.Create(literal);
        }
    }
}
