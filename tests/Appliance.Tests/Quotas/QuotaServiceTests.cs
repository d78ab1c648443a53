using Appliance.Core.Configuration;
using Appliance.Core.Quotas;
using Appliance.Core.Store;
using Appliance.Tests.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Appliance.Tests.Quotas;

/// <summary>The calls the servers code makes inside its create transaction, against a real store.</summary>
public sealed class QuotaServiceTests : IDisposable
{
    private readonly ApplianceFactory _factory = new();

    public QuotaServiceTests() => _factory.CreateClient().Dispose(); // starts the host: migrations run

    public void Dispose() => _factory.Dispose();

    private QuotaService Quotas => _factory.Services.GetRequiredService<QuotaService>();

    private Database Database => _factory.Services.GetRequiredService<Database>();

    [Fact]
    public async Task InsideAWriteTransaction_LimitsAndUsageSeeTheTransactionsOwnRows()
    {
        await Quotas.UpdateAsync("p1", [KeyValuePair.Create("instances", 2)], force: false);
        await ServerRows.InsertAsync(Database, "p1", vcpus: 2, memoryMb: 1024);

        var (limits, usage) = await Database.WriteAsync(async (connection, transaction) =>
            (await Quotas.GetLimitsAsync(connection, transaction, "p1"), await Quotas.CountServerUsageAsync(connection, transaction, "p1")));

        Assert.Equal(2, limits.Instances);
        Assert.Equal(DefaultQuotas.Cores, limits.Cores);
        Assert.Equal(new ServerUsage(1, 2, 1024), usage);
        Assert.True(QuotaLimits.Allows(limits.Instances, usage.Instances, 1));
        Assert.False(QuotaLimits.Allows(limits.Instances, usage.Instances, 2));
        Assert.True(QuotaLimits.Allows(QuotaResources.Unlimited, long.MaxValue / 2, 1));
    }

    [Fact]
    public async Task UnknownProject_HasTheDefaultsAndNoUsage()
    {
        var limits = await Quotas.GetLimitsAsync("nobody");

        Assert.All(QuotaResources.All, resource => Assert.Equal(DefaultQuotas.ByResource[resource], limits[resource]));
        Assert.Equal(ServerUsage.None, await Quotas.CountServerUsageAsync("nobody"));
    }

    [Fact]
    public void RateLimitOptions_BadValuesAreExplained()
    {
        var options = new RateLimitOptions();
        Assert.Null(options.Problem());

        options.Put.Unit = "WEEK";
        Assert.Equal("RateLimits:Put:Unit must be SECOND, MINUTE, HOUR or DAY, not 'WEEK'", options.Problem());

        options.Put.Unit = "second";
        options.Delete.Value = 0;
        Assert.Equal("RateLimits:Delete:Value must be a positive number of requests, not 0", options.Problem());
    }
}
