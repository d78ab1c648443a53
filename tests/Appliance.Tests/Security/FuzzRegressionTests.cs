using System.Net;
using System.Text;
using Appliance.Tests.Hosting;

namespace Appliance.Tests.Security;

/// <summary>One test per bug the fuzzer and the leak scans found, each the smallest request that showed it.</summary>
[Trait("Tier", "security")]
public sealed class FuzzRegressionTests : IDisposable
{
    private readonly ApplianceFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task IdentityRequestOverTheBodyLimit_AnswersKeystones413_NotANovaFault()
    {
        var client = _factory.CreateClient();
        var body = new StringContent("{\"x\": \"" + new string('a', 120 * 1024) + "\"}", Encoding.UTF8, "application/json");

        var response = await client.PostAsync("/identity/v3/auth/tokens", body);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Null(ErrorBodies.Problem(ApiService.Identity, 413, response.Content.Headers.ContentType?.ToString(), await response.Content.ReadAsStringAsync()));
    }
}
