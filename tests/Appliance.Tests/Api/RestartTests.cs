using System.Net;
using Appliance.Core.Store;
using Appliance.Tests.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Appliance.Tests.Api;

public sealed class RestartTests
{
    [Fact]
    public async Task SecondStartOnTheSameDataDir_KeepsTheInstallation()
    {
        using var dir = new TempDataDir();
        string firstId;
        using (var first = new ApplianceFactory(dir.Path))
        {
            Assert.Equal(HttpStatusCode.OK, (await first.CreateClient().GetAsync("/healthz")).StatusCode);
            firstId = (await first.Services.GetRequiredService<InstallationStore>().EnsureAsync()).Id;
        }

        using var second = new ApplianceFactory(dir.Path);
        Assert.Equal(HttpStatusCode.OK, (await second.CreateClient().GetAsync("/healthz")).StatusCode);
        Assert.Equal(firstId, (await second.Services.GetRequiredService<InstallationStore>().EnsureAsync()).Id);
        Assert.True(File.Exists(Path.Combine(dir.Path, "appliance.db")));
    }
}
