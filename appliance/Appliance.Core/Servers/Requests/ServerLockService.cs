using Appliance.Core.Store;

namespace Appliance.Core.Servers;

/// <summary>lock / unlock: a locked server refuses every change by a non-admin; who locked it (owner or admin) decides who may unlock.</summary>
public sealed class ServerLockService(Database database, ServerService servers)
{
    public const string LockedByOwner = "owner";
    public const string LockedByAdmin = "admin";

    public Task LockAsync(ServerCaller caller, OperationContext operation, string uuid, CancellationToken cancellationToken = default) =>
        ChangeAsync(caller, operation, uuid, "lock", cancellationToken);

    public Task UnlockAsync(ServerCaller caller, OperationContext operation, string uuid, CancellationToken cancellationToken = default) =>
        ChangeAsync(caller, operation, uuid, "unlock", cancellationToken);

    private async Task ChangeAsync(ServerCaller caller, OperationContext operation, string uuid, string action, CancellationToken cancellationToken)
    {
        var server = await servers.WritableAsync(caller, uuid, $"os_compute_api:os-lock-server:{action}", cancellationToken);
        await database.WriteAsync(async (connection, transaction) =>
        {
            var current = await ServerRepository.FindAsync(connection, transaction, server.Uuid, false, cancellationToken) ?? throw new ServerNotFoundException(uuid);
            // As Nova: the owner's project locks as "owner", anyone else (an admin) as "admin"; unlocking what another kind
            // locked (or what is not locked at all) needs the admin's override.
            var lockedBy = current.ProjectId == caller.ProjectId ? LockedByOwner : LockedByAdmin;
            if (action == "unlock" && current.LockedBy != lockedBy && !caller.IsAdmin)
            {
                throw new ForbiddenException("Policy doesn't allow os_compute_api:os-lock-server:unlock:unlock_override to be performed.");
            }

            var columns = action == "lock"
                ? new Dictionary<string, object?> { ["locked"] = 1, ["locked_by"] = lockedBy }
                : new Dictionary<string, object?> { ["locked"] = 0, ["locked_by"] = null };
            await ServerRepository.UpdateAsync(connection, transaction, current.Uuid, columns, cancellationToken);
            var actionId = await InstanceActions.StartAsync(connection, transaction, current.Uuid, action, operation, cancellationToken);
            return await InstanceActions.FinishAsync(connection, transaction, actionId, null, cancellationToken);
        }, cancellationToken);
    }
}
