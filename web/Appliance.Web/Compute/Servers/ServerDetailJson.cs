using System.Text.Json;
using System.Text.Json.Serialization;
using Appliance.Core.Networks;
using Appliance.Core.Servers;

namespace Appliance.Web.Compute.Servers;

/// <summary>
/// One server's full view, ready to be written: serializing it runs <see cref="ServerView.WriteDetail"/>
/// instead of building a dictionary per server, which is what made a 1,000-server detail list slow.
/// </summary>
[JsonConverter(typeof(Converter))]
public sealed class ServerDetailJson(
    ServerView view, ServerRecord server, IReadOnlyDictionary<string, string>? metadata, IReadOnlyList<string>? tags, IReadOnlyList<BlockDeviceMapping>? volumes,
    IReadOnlyList<ServerAddress>? addresses)
{
    private readonly List<(string Name, object? Value)> _extras = [];

    private readonly ServerView _view = view;

    public ServerRecord Server { get; } = server;
    public IReadOnlyDictionary<string, string>? Metadata { get; } = metadata;
    public IReadOnlyList<string>? Tags { get; } = tags;
    public IReadOnlyList<BlockDeviceMapping>? Volumes { get; } = volumes;
    public IReadOnlyList<ServerAddress> Addresses { get; } = addresses ?? [];
    public IReadOnlyList<(string Name, object? Value)> Extras => _extras;

    /// <summary>Adds a member after the view's own, e.g. the adminPass that rebuild returns once.</summary>
    public ServerDetailJson With(string name, object? value)
    {
        _extras.Add((name, value));
        return this;
    }

    private sealed class Converter : JsonConverter<ServerDetailJson>
    {
        public override ServerDetailJson Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            throw new NotSupportedException("server views are only written");

        public override void Write(Utf8JsonWriter writer, ServerDetailJson value, JsonSerializerOptions options) =>
            value._view.WriteDetail(writer, value, options);
    }
}
