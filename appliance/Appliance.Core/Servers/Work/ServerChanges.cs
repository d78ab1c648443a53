using Microsoft.Extensions.Logging;

namespace Appliance.Core.Servers;

/// <summary>A server row changed (created, updated or marked deleted); readers load it again to see how.</summary>
public sealed record ServerChanged(string Uuid);

/// <summary>Where live views learn that servers changed, without polling the database.</summary>
public interface IServerChangeFeed
{
    event Action<ServerChanged>? Changed;
}

/// <summary>
/// The in-process change feed: raised after a server row's write has committed. Subscribers run on the
/// writer's thread, so they must only hand the news on (e.g. InvokeAsync on a Blazor circuit), never block.
/// </summary>
public sealed class ServerChanges(ILogger<ServerChanges> logger) : IServerChangeFeed
{
    public event Action<ServerChanged>? Changed;

    public void Publish(string uuid)
    {
        var handlers = Changed;
        if (handlers is null)
        {
            return;
        }

        var change = new ServerChanged(uuid);
        foreach (var handler in handlers.GetInvocationList().Cast<Action<ServerChanged>>())
        {
            try
            {
                handler(change);
            }
            catch (Exception e)
            {
                // One broken subscriber must neither fail the write that raised the change nor starve the others.
                logger.LogWarning(e, "A server change subscriber failed for {Uuid}", uuid);
            }
        }
    }
}
