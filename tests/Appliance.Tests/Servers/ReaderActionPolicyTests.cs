using System.Net;
using Appliance.Tests.Hosting;

namespace Appliance.Tests.Servers;

/// <summary>A reader of the server's project may look but not act: each action's 403 names Nova's policy rule for it.</summary>
public sealed class ReaderActionPolicyTests(SubresourceFixture fixture) : IClassFixture<SubresourceFixture>
{
    [Theory]
    [InlineData("""{"os-stop": null}""", "os_compute_api:servers:stop")]
    [InlineData("""{"os-start": null}""", "os_compute_api:servers:start")]
    [InlineData("""{"reboot": {"type": "SOFT"}}""", "os_compute_api:servers:reboot")]
    [InlineData("""{"reboot": {"type": "HARD"}}""", "os_compute_api:servers:reboot")]
    [InlineData("""{"pause": null}""", "os_compute_api:os-pause-server:pause")]
    [InlineData("""{"unpause": null}""", "os_compute_api:os-pause-server:unpause")]
    [InlineData("""{"suspend": null}""", "os_compute_api:os-suspend-server:suspend")]
    [InlineData("""{"resume": null}""", "os_compute_api:os-suspend-server:resume")]
    [InlineData("""{"lock": null}""", "os_compute_api:os-lock-server:lock")]
    [InlineData("""{"unlock": null}""", "os_compute_api:os-lock-server:unlock")]
    [InlineData("""{"createImage": {"name": "snap"}}""", "os_compute_api:servers:create_image")]
    [InlineData("""{"rebuild": {"imageRef": "IMAGE"}}""", "os_compute_api:servers:rebuild")]
    [InlineData("""{"resize": {"flavorRef": "1"}}""", "os_compute_api:servers:resize")]
    [InlineData("""{"confirmResize": null}""", "os_compute_api:servers:confirm_resize")]
    [InlineData("""{"revertResize": null}""", "os_compute_api:servers:revert_resize")]
    [InlineData("""{"changePassword": {"adminPass": "N3w-secret"}}""", "os_compute_api:os-admin-password")]
    public async Task Reader_AskingForAnAction_Is403NamingItsRule(string action, string rule)
    {
        var id = await fixture.ActiveServerAsync("reader-policy");
        var body = action.Replace("IMAGE", fixture.Session.ImageId, StringComparison.Ordinal);

        var (status, answer) = await fixture.Send(HttpMethod.Post, $"/v2.1/servers/{id}/action", body, fixture.ReaderToken);

        Assert.Equal(HttpStatusCode.Forbidden, status);
        JsonAssert.Equal(SubresourceFixture.Fault("forbidden", 403, $"Policy doesn't allow {rule} to be performed."), answer);
    }

    [Fact]
    public async Task Reader_UpdatingOrDeleting_Is403NamingItsRule()
    {
        var id = await fixture.ActiveServerAsync("reader-policy-crud");

        var (update, updateBody) = await fixture.Send(HttpMethod.Put, $"/v2.1/servers/{id}", """{"server": {"name": "renamed"}}""", fixture.ReaderToken);
        var (delete, deleteBody) = await fixture.Send(HttpMethod.Delete, $"/v2.1/servers/{id}", token: fixture.ReaderToken);

        Assert.Equal((HttpStatusCode.Forbidden, HttpStatusCode.Forbidden), (update, delete));
        JsonAssert.Equal(SubresourceFixture.Fault("forbidden", 403, "Policy doesn't allow os_compute_api:servers:update to be performed."), updateBody);
        JsonAssert.Equal(SubresourceFixture.Fault("forbidden", 403, "Policy doesn't allow os_compute_api:servers:delete to be performed."), deleteBody);
    }
}
