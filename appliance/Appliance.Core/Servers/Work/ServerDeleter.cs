using Appliance.Core.Networks;
using Appliance.Hypervisor.Driver;
using Microsoft.Extensions.Logging;

namespace Appliance.Core.Servers;

/// <summary>Finishes a delete: guest and instance dir gone, volumes marked delete_on_termination gone, ports released, the row marked deleted.</summary>
public sealed class ServerDeleter(
    ServerRepository servers, IComputeDriver driver, ServerNetworking networking, InstanceActions actions, ServerFaults faults, ILogger<ServerDeleter> logger)
{
    public const string DeleteEvent = "compute_terminate_instance";

    public async Task DeleteAsync(string uuid, long? actionId, CancellationToken cancellationToken)
    {
        var started = DateTimeOffset.UtcNow;
        try
        {
            await driver.DestroyAsync(Guid.Parse(uuid), cancellationToken);
            foreach (var mapping in await servers.BlockDevicesAsync(uuid, cancellationToken))
            {
                if (mapping is { DestinationType: "volume", DeleteOnTermination: true, VolumeId: { } volumeId })
                {
                    driver.DeleteVolume(volumeId);
                }
            }

            // Ports go before the row: a crash between leaves a live row whose delete runs again, never a leaked address.
            await networking.UnplugAsync(uuid, cancellationToken);
            await servers.MarkDeletedAsync(uuid, CancellationToken.None);
            if (actionId is { } id)
            {
                await actions.RecordEventAsync(id, DeleteEvent, started, DateTimeOffset.UtcNow, InstanceActions.Success, cancellationToken: CancellationToken.None);
                await actions.FinishAsync(id, cancellationToken: CancellationToken.None);
            }

            logger.LogInformation("Server {Uuid} deleted in {Milliseconds} ms", uuid, (int)(DateTimeOffset.UtcNow - started).TotalMilliseconds);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var fault = faults.From(e, uuid) with { Message = $"Delete of instance {uuid} failed." };
            logger.LogWarning("Delete of server {Uuid} failed: {Message}", uuid, fault.Details);
            await faults.SetDeleteFailedAsync(uuid, fault);
            if (actionId is { } id)
            {
                await actions.RecordEventAsync(id, DeleteEvent, started, DateTimeOffset.UtcNow, InstanceActions.Error, fault.Message, CancellationToken.None);
                await actions.FinishAsync(id, InstanceActions.Error, CancellationToken.None);
            }
        }
    }
}
