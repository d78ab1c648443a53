using System.Net;
using System.Reflection;
using System.Runtime.ExceptionServices;
using System.Text.Json;
using Appliance.Hypervisor.Driver;
using Appliance.Tests.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Appliance.Tests.Servers;

/// <summary>changePassword on a guest without a guest agent: Nova's 409, the task cleared, the action recorded as failed.</summary>
public sealed class ChangePasswordWithoutAgentTests : IAsyncLifetime
{
    private readonly ServerApiSession _session = new() { ConfigureServices = AgentlessGuestDriver.Wrap };

    public Task InitializeAsync() => _session.InitializeAsync();

    public Task DisposeAsync() => _session.DisposeAsync();

    [Fact]
    public async Task ChangePassword_WithoutAGuestAgent_Is409_AndLeavesTheServerActiveWithAFailedAction()
    {
        var id = await _session.CreateServerAsync("no-agent");
        await _session.WaitForStatusAsync(id, ["ACTIVE"]);

        var (status, body, response) = await _session.Send(HttpMethod.Post, $"/v2.1/servers/{id}/action", """{"changePassword": {"adminPass": "N3w-secret"}}""");

        Assert.Equal(HttpStatusCode.Conflict, status);
        JsonAssert.Equal("""{"conflictingRequest": {"code": 409, "message": "QEMU guest agent is not enabled"}}""", body);
        var server = await _session.WaitForStatusAsync(id, ["ACTIVE"]);
        Assert.Equal(JsonValueKind.Null, server.GetProperty("OS-EXT-STS:task_state").ValueKind);
        var requestId = response.Headers.GetValues("X-OpenStack-Request-ID").Single();
        var (_, actionBody, _) = await _session.Send(HttpMethod.Get, $"/v2.1/servers/{id}/os-instance-actions/{requestId}", token: _session.AdminToken);
        var action = JsonDocument.Parse(actionBody).RootElement.GetProperty("instanceAction");
        Assert.Equal("Error", action.GetProperty("message").GetString());
        Assert.Equal("Error", action.GetProperty("events").EnumerateArray().Single().GetProperty("result").GetString());
        Assert.DoesNotContain("N3w-secret", actionBody);
    }

    /// <summary>The real driver, except that no guest answers on the agent channel (as a guest without qemu-guest-agent).</summary>
    public class AgentlessGuestDriver : DispatchProxy
    {
        private IComputeDriver _inner = null!;

        public static void Wrap(IServiceCollection services)
        {
            var registered = services.Last(d => d.ServiceType == typeof(IComputeDriver));
            services.AddSingleton(provider =>
            {
                var driver = Create<IComputeDriver, AgentlessGuestDriver>();
                ((AgentlessGuestDriver)(object)driver)._inner = (IComputeDriver)registered.ImplementationFactory!(provider);
                return driver;
            });
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            if (targetMethod!.Name == nameof(IComputeDriver.SetAdminPasswordAsync))
            {
                return Task.FromException(new GuestAgentUnavailableException((Guid)args![0]!, new InvalidOperationException("QEMU guest agent is not configured")));
            }

            try
            {
                return targetMethod.Invoke(_inner, args);
            }
            catch (TargetInvocationException e) when (e.InnerException is not null)
            {
                ExceptionDispatchInfo.Throw(e.InnerException);
                throw;
            }
        }
    }
}
