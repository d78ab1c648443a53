namespace Appliance.Core.Servers;

/// <summary>os-instance-actions reads: a server's actions newest first, and one action with its events.</summary>
public sealed class InstanceActionHistory(ServerRepository servers, InstanceActions actions)
{
    /// <param name="includeDeleted">From 2.21 the actions of a deleted server stay visible.</param>
    public async Task<IReadOnlyList<InstanceActionRecord>> ListAsync(ServerCaller caller, string uuid, bool includeDeleted,
        CancellationToken cancellationToken = default)
    {
        var server = await ServerAsync(caller, uuid, includeDeleted, cancellationToken);
        return await actions.ListAsync(server.Uuid, cancellationToken);
    }

    public async Task<(InstanceActionRecord Action, IReadOnlyList<InstanceActionEventRecord> Events)> GetAsync(ServerCaller caller, string uuid,
        string requestId, bool includeDeleted, CancellationToken cancellationToken = default)
    {
        var server = await ServerAsync(caller, uuid, includeDeleted, cancellationToken);
        return await actions.FindAsync(server.Uuid, requestId, cancellationToken) ?? throw new NotFoundException($"Action {requestId} not found");
    }

    /// <summary>Every action of a server the caller has read, newest first, each with its events: the status page's timeline.</summary>
    public async Task<IReadOnlyList<(InstanceActionRecord Action, IReadOnlyList<InstanceActionEventRecord> Events)>> TimelineAsync(ServerRecord server,
        CancellationToken cancellationToken = default)
    {
        var timeline = new List<(InstanceActionRecord, IReadOnlyList<InstanceActionEventRecord>)>();
        foreach (var action in await actions.ListAsync(server.Uuid, cancellationToken))
        {
            timeline.Add((action, (await actions.FindAsync(server.Uuid, action.RequestId, cancellationToken))?.Events ?? []));
        }

        return timeline;
    }

    private async Task<ServerRecord> ServerAsync(ServerCaller caller, string uuid, bool includeDeleted, CancellationToken cancellationToken)
    {
        var server = Guid.TryParse(uuid, out _) ? await servers.FindAsync(uuid, includeDeleted, cancellationToken) : null;
        return server is not null && caller.CanRead(server) ? server : throw new ServerNotFoundException(uuid);
    }
}
