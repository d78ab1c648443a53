using System.Threading.Channels;
using Appliance.Core.Configuration;
using Appliance.Hypervisor;
using Appliance.Hypervisor.Driver;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Appliance.Core.Servers;

/// <summary>
/// Keeps power_state (and vm_state, for guests that stopped on their own) in step with libvirt: at once on
/// lifecycle events, for every server as soon as libvirt answers again after it was away (its events of the gap are
/// lost), and for every server each PowerSyncInterval in case an event was missed.
/// Servers in the middle of an operation are left to that operation.
/// </summary>
public sealed class PowerStateSync(ServerRepository servers, IComputeDriver driver, ApplianceOptions options, ILogger<PowerStateSync> logger) : BackgroundService
{
    /// <summary>Queued by a reconnect: read every server, not one.</summary>
    private static readonly Guid Everyone = Guid.Empty;

    private readonly Channel<Guid> _changed = Channel.CreateUnbounded<Guid>(new UnboundedChannelOptions { SingleReader = true });

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        void OnLifecycle(LifecycleEvent e) => _changed.Writer.TryWrite(e.InstanceUuid);
        void OnReconnected() => _changed.Writer.TryWrite(Everyone);
        driver.LifecycleChanged += OnLifecycle;
        driver.Reconnected += OnReconnected;
        try
        {
            var events = ConsumeEventsAsync(stoppingToken);
            using var timer = new PeriodicTimer(options.Servers.PowerSyncInterval);
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await SyncAllAsync(stoppingToken);
            }

            await events;
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            driver.LifecycleChanged -= OnLifecycle;
            driver.Reconnected -= OnReconnected;
        }
    }

    public async Task SyncAllAsync(CancellationToken cancellationToken)
    {
        foreach (var server in await servers.LiveAsync(cancellationToken))
        {
            await SyncAsync(server, cancellationToken);
        }
    }

    private async Task ConsumeEventsAsync(CancellationToken cancellationToken)
    {
        await foreach (var uuid in _changed.Reader.ReadAllAsync(cancellationToken))
        {
            if (uuid == Everyone)
            {
                logger.LogWarning("The hypervisor answers again: reading every server's power state");
                await SyncAllAsync(cancellationToken);
            }
            else if (await servers.FindAsync(uuid.ToString(), cancellationToken: cancellationToken) is { } server)
            {
                await SyncAsync(server, cancellationToken);
            }
        }
    }

    private async Task SyncAsync(ServerRecord server, CancellationToken cancellationToken)
    {
        if (server.TaskState is not null || server.VmState is VmStates.Building or VmStates.Error)
        {
            return;
        }

        PowerState power;
        try
        {
            power = driver.GetPowerState(server.Id);
        }
        catch (InstanceNotFoundException)
        {
            power = PowerState.NoState;
        }
        catch (Exception e)
        {
            logger.LogWarning("Power state of server {Uuid} unknown: {Message}", server.Uuid, e.Message);
            return;
        }

        var changes = new Dictionary<string, object?>();
        if ((int)power != server.PowerState)
        {
            changes["power_state"] = (int)power;
        }

        // A guest that shut itself down (or was destroyed behind our back) shows SHUTOFF, as Nova's sync does.
        if (server.VmState == VmStates.Active && power is PowerState.Shutdown or PowerState.Crashed or PowerState.NoState)
        {
            changes["vm_state"] = VmStates.Stopped;
        }

        if (changes.Count > 0 && await servers.UpdateIfUnchangedAsync(server.Uuid, server.RowVersion, changes, cancellationToken))
        {
            logger.LogInformation("Server {Uuid}: power state {Power}{Stopped}", server.Uuid, power,
                changes.ContainsKey("vm_state") ? ", now SHUTOFF" : "");
        }
    }
}
