using Appliance.Core.Store;
using Appliance.Hypervisor.Driver;
using Microsoft.Extensions.Logging;

namespace Appliance.Core.Servers;

/// <summary>
/// changePassword: sets root's password through the guest agent. As Nova (a call, not a cast), the answer waits for the
/// guest, so a guest without an agent is a conflict to the caller, not a silent failure.
/// </summary>
public sealed class ServerPasswordService(
    Database database,
    ServerService servers,
    ServerRepository repository,
    ServerTaskRunner runner,
    IComputeDriver driver,
    InstanceActions actions,
    ILogger<ServerPasswordService> logger)
{
    public const string Action = "changePassword";
    public const string EventName = "compute_set_admin_password";

    /// <summary>The guest user whose password is set; Nova's default for a Linux guest.</summary>
    public const string GuestUser = "root";

    private static readonly IReadOnlySet<string> AllowedVmStates = new HashSet<string>(StringComparer.Ordinal) { VmStates.Active };

    public async Task ChangeAsync(ServerCaller caller, OperationContext operation, string uuid, string password, CancellationToken cancellationToken = default)
    {
        var server = await servers.WritableAsync(caller, uuid, "os_compute_api:os-admin-password", cancellationToken);
        var actionId = await database.WriteAsync(async (connection, transaction) =>
        {
            var current = await ServerRepository.FindAsync(connection, transaction, server.Uuid, false, cancellationToken) ?? throw new ServerNotFoundException(uuid);
            ServerStateChecks.RequireUnlocked(current, caller);
            ServerStateChecks.RequireState(current, AllowedVmStates, idle: true, Action, uuid);
            await ServerRepository.UpdateAsync(connection, transaction, current.Uuid, new Dictionary<string, object?> { ["task_state"] = TaskStates.UpdatingPassword }, cancellationToken);
            return await InstanceActions.StartAsync(connection, transaction, current.Uuid, Action, operation, cancellationToken);
        }, cancellationToken);
        repository.Announce(server.Uuid); // the task state just written, for the status page

        var done = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        runner.Run(server.Uuid, async token =>
        {
            try
            {
                done.SetResult(await SetAsync(server, password, actionId, token));
            }
            catch (Exception e)
            {
                done.TrySetException(e);
                throw;
            }
        });

        // The work goes on (and cleans up) even if the client leaves; only the wait is given up.
        if (await done.Task.WaitAsync(cancellationToken) is { } failure)
        {
            throw new ConflictException(failure);
        }
    }

    private async Task<string?> SetAsync(ServerRecord server, string password, long actionId, CancellationToken token)
    {
        var started = DateTimeOffset.UtcNow;
        string? failure = null;
        try
        {
            await driver.SetAdminPasswordAsync(server.Id, GuestUser, password, token);
        }
        catch (GuestAgentUnavailableException e)
        {
            logger.LogInformation("changePassword of server {Uuid}: {Message}", server.Uuid, e.Message);
            failure = "QEMU guest agent is not enabled";
        }
        catch (Exception e) when (e is HypervisorOperationException or InstanceNotFoundException)
        {
            logger.LogWarning("changePassword of server {Uuid} failed: {Message}", server.Uuid, e.Message);
            failure = $"Failed to set admin password on {server.Uuid} because error setting admin password";
        }

        await repository.UpdateAsync(server.Uuid, new Dictionary<string, object?> { ["task_state"] = null }, CancellationToken.None);
        await actions.RecordEventAsync(actionId, EventName, started, DateTimeOffset.UtcNow, failure is null ? InstanceActions.Success : InstanceActions.Error,
            failure, CancellationToken.None);
        await actions.FinishAsync(actionId, failure is null ? null : InstanceActions.Error, CancellationToken.None);
        return failure;
    }
}
