using System.Text.Json;
using System.Text.Json.Nodes;
using Appliance.Core.Quotas;
using Appliance.Tests.Hosting;
using Appliance.Web.Compute.Quotas;
using Appliance.Web.Faults;
using Appliance.Web.Microversions;

namespace Appliance.Tests.Quotas;

/// <summary>The microversion branches the API cannot reach yet (its maximum is below 2.36): the views and the PUT schema as pure functions.</summary>
public sealed class LimitsViewTests
{
    private static string Json(object value) => JsonSerializer.Serialize(value);

    [Fact]
    public void Absolute_At21_IsNovasSample()
    {
        JsonAssert.Equal(LimitsBodies.Absolute(), Json(LimitsView.Absolute(new ApiVersion(2, 1), QuotaLimits.Defaults, ServerUsage.None)));
    }

    [Fact]
    public void Absolute_At236_DropsTheNetworkLimitsAndTheirUsage()
    {
        JsonAssert.Equal(LimitsBodies.AbsoluteV236, Json(LimitsView.Absolute(new ApiVersion(2, 36), QuotaLimits.Defaults, ServerUsage.None)));
        JsonAssert.Equal(LimitsBodies.AbsoluteV236, Json(LimitsView.Absolute(new ApiVersion(2, 38), QuotaLimits.Defaults, ServerUsage.None)));
    }

    [Fact]
    public void Absolute_At239_AlsoDropsMaxImageMeta()
    {
        JsonAssert.Equal(LimitsBodies.AbsoluteV239, Json(LimitsView.Absolute(new ApiVersion(2, 39), QuotaLimits.Defaults, ServerUsage.None)));
        JsonAssert.Equal(LimitsBodies.AbsoluteV239, Json(LimitsView.Absolute(new ApiVersion(2, 47), QuotaLimits.Defaults, ServerUsage.None)));
    }

    [Fact]
    public void Absolute_ShowsOverriddenLimitsAndUsage()
    {
        var limits = QuotaLimits.Defaults.With([KeyValuePair.Create("instances", 4)]);

        var body = Json(LimitsView.Absolute(new ApiVersion(2, 1), limits, new ServerUsage(3, 5, 4096)));

        JsonAssert.Equal(LimitsBodies.Absolute(instances: 4, instancesUsed: 3, coresUsed: 5, ramUsed: 4096), body);
    }

    [Fact]
    public void QuotaSet_At236_IsNovasV236Sample()
    {
        JsonAssert.Equal(QuotaSetBodies.ShowV236("fake_tenant"), Json(QuotaSetView.Limits("fake_tenant", QuotaLimits.Defaults, new ApiVersion(2, 36))));
    }

    [Fact]
    public void QuotaSetDetail_At236_HasNoNetworkResources()
    {
        var detail = JsonNode.Parse(Json(QuotaSetView.WithUsage("p", QuotaLimits.Defaults, new ServerUsage(1, 2, 3), new ApiVersion(2, 36))))!["quota_set"]!.AsObject();

        Assert.Equal(["cores", "id", "injected_file_content_bytes", "injected_file_path_bytes", "injected_files", "instances", "key_pairs",
            "metadata_items", "ram", "server_group_members", "server_groups"], detail.Select(pair => pair.Key).Order());
        JsonAssert.Equal("""{"in_use": 2, "limit": 20, "reserved": 0}""", detail["cores"]!.ToJsonString());
    }

    [Theory]
    [InlineData("floating_ips")]
    [InlineData("fixed_ips")]
    [InlineData("security_groups")]
    [InlineData("security_group_rules")]
    [InlineData("networks")]
    public void Update_At236_RefusesTheNetworkResources(string resource)
    {
        var body = new JsonObject { ["quota_set"] = new JsonObject { [resource] = 5 } };

        var refused = Assert.Throws<FaultException>(() => QuotaSetUpdate.Parse(body, new ApiVersion(2, 36)));

        Assert.Equal(400, refused.Fault.Code);
        Assert.Equal($"Additional properties are not allowed ('{resource}' was unexpected)", refused.Fault.Message);
    }

    [Fact]
    public void Update_At21_AcceptsNetworksButHasNothingToStoreForIt()
    {
        var body = JsonNode.Parse("""{"quota_set": {"networks": 3, "floating_ips": "4", "instances": 2, "force": "no"}}""")!.AsObject();

        var update = QuotaSetUpdate.Parse(body, new ApiVersion(2, 1));

        Assert.False(update.Force);
        Assert.Equal([KeyValuePair.Create("floating_ips", 4), KeyValuePair.Create("instances", 2)], update.Limits);
    }
}
