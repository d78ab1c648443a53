using Appliance.Core.Store;
using Appliance.Hypervisor.Driver;

namespace Appliance.Core.Servers;

/// <summary>
/// changePassword: sets root's password through the guest agent. As Nova (a call, not a cast), the answer waits for the
/// guest, so a guest without an agent is a conflict to the caller, not a silent failure.
/// </summary>
public sealed class ServerPasswordService(
    Database database,
    ServerService servers,
    ServerRepository repository,
    ServerOperations operations,
    IComputeDriver driver)
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

        var done = operations.RunAndWaitAsync(new ServerOperation(server, actionId, Action, EventName)
        {
            Work = async run =>
            {
                await driver.SetAdminPasswordAsync(run.Server.Id, GuestUser, password, run.Token);
                return OperationEnd.Succeeded(OperationEnd.TaskOnly);
            },
            OnFailure = (run, e) => e switch
            {
                GuestAgentUnavailableException => OperationEnd.Failed("QEMU guest agent is not enabled", OperationEnd.TaskOnly),
                HypervisorOperationException or InstanceNotFoundException =>
                    OperationEnd.Failed($"Failed to set admin password on {run.Uuid} because error setting admin password", OperationEnd.TaskOnly),
                _ => null,
            },
        });

        // The work goes on (and cleans up) even if the client leaves; only the wait is given up.
        if (await done.WaitAsync(cancellationToken) is { Failure: { } failure })
        {
            throw new ConflictException(failure);
        }
    }
}
