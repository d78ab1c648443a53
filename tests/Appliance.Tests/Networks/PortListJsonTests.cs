using System.Text.Json;
using Appliance.Core.Networks;
using Appliance.Core.Servers;
using Appliance.Web.Network;

namespace Appliance.Tests.Networks;

/// <summary>
/// The typed port list writer against the JSON tree view it stands in for: byte for byte the same body, for a member and
/// an admin, with text that needs escaping. A member added to one view and not the other fails here.
/// </summary>
public sealed class PortListJsonTests
{
    private static readonly JsonSerializerOptions Options = new() { PropertyNamingPolicy = null };

    private static readonly PortRecord Bound = new()
    {
        Id = "5e3b1f0c-0000-4000-8000-000000000001",
        NetworkId = "net-1",
        ProjectId = "project-a",
        Name = "é <web> \"quoted\" + & 'x'",
        MacAddress = "fa:16:3e:00:00:01",
        DeviceId = "server-1",
        DeviceOwner = "compute:nova",
        Status = PortStatuses.Down,
        AdminStateUp = false,
        SecurityGroups = ["default", "web"],
        FixedIps = [new FixedIp("subnet-1", "10.0.0.5"), new FixedIp("subnet-6", "fd00::5")],
        CreatedAt = Timestamps.Now(),
        UpdatedAt = Timestamps.Now(),
        RevisionNumber = 7,
    };

    private static readonly PortRecord Unbound = Bound with { Id = "port-2", DeviceId = "", DeviceOwner = "", AdminStateUp = true, SecurityGroups = [], FixedIps = [] };

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void The_typed_list_writes_the_same_body_as_the_tree_views(bool isAdmin)
    {
        PortRecord[] ports = [Bound, Unbound];
        var tree = new System.Text.Json.Nodes.JsonObject
        {
            ["ports"] = new System.Text.Json.Nodes.JsonArray(ports.Select(port => (System.Text.Json.Nodes.JsonNode)NeutronViews.Port(port, isAdmin)).ToArray()),
        };

        var typed = JsonSerializer.Serialize(new PortListJson(ports, isAdmin), Options);

        Assert.Equal(JsonSerializer.Serialize(tree, Options), typed);
        Assert.Equal(isAdmin, typed.Contains("\"binding:host_id\"", StringComparison.Ordinal));
    }

    [Fact]
    public void An_empty_list_is_an_empty_ports_array() =>
        Assert.Equal("""{"ports":[]}""", JsonSerializer.Serialize(new PortListJson([], isAdmin: true), Options));
}
