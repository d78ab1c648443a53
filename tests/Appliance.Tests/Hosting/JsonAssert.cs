using System.Text.Json.Nodes;

namespace Appliance.Tests.Hosting;

public static class JsonAssert
{
    /// <summary>Asserts two JSON documents are equal as values: same members, same order in arrays.</summary>
    public static void Equal(string expected, string actual)
    {
        var expectedNode = JsonNode.Parse(expected);
        var actualNode = JsonNode.Parse(actual);
        Assert.True(JsonNode.DeepEquals(expectedNode, actualNode),
            $"JSON differs.\nExpected: {expectedNode?.ToJsonString()}\nActual:   {actualNode?.ToJsonString()}");
    }
}
