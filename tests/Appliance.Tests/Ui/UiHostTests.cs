using System.Net;
using Appliance.Tests.Hosting;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;

namespace Appliance.Tests.Ui;

/// <summary>The status page's services live in a container of their own, so the APIs never load Blazor's ~12 MiB.</summary>
public sealed class UiHostTests
{
    [Fact]
    public async Task TheAppliancesContainerHoldsNoneOfThePagesServices_WhichStillServeThePage()
    {
        await using var factory = new ApplianceFactory();
        using var client = factory.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v2.1/")).StatusCode);
        Assert.Null(factory.Services.GetService<IAntiforgery>());
        Assert.Null(factory.Services.GetService<IAuthenticationService>());
        Assert.Null(factory.Services.GetService<IDataProtectionProvider>());

        var page = await client.GetAsync("/ui/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("_framework/blazor.web.js", await page.Content.ReadAsStringAsync());
        using var scope = factory.CreateUiScope();
        Assert.NotNull(scope.ServiceProvider.GetService<IAntiforgery>());
    }
}
