using Appliance.Core.Configuration;
using Appliance.Hypervisor.Disks;
using Appliance.Hypervisor.Driver;
using Appliance.Hypervisor.Processes;

namespace Appliance.Core.Servers;

/// <summary>Turns a failed operation into the server's fault and ERROR state; no host path ever reaches the API.</summary>
public sealed class ServerFaults(ServerRepository servers, DataPaths paths)
{
    public ServerFault From(Exception error, string uuid)
    {
        var created = Timestamps.Now();
        return error switch
        {
            BuildRefusedException refused => new ServerFault(500, refused.Message, null, created),
            InvalidDiskImageException invalid => new ServerFault(500, $"Build of instance {uuid} aborted: the image is not a usable disk.", Scrub(invalid.Message), created),
            HypervisorOperationException or InstanceNotFoundException or HostCommandException =>
                new ServerFault(500, $"Build of instance {uuid} aborted: the hypervisor could not start the guest.", Scrub(Describe(error)), created),
            _ => new ServerFault(500, $"Build of instance {uuid} aborted: an unexpected error occurred.", Scrub(Describe(error)), created),
        };
    }

    /// <summary>An operation failed: ERROR with the fault, its task cleared unless a delete has claimed the server meanwhile.</summary>
    public Task SetErrorAsync(string uuid, ServerFault fault) =>
        servers.FinishTaskAsync(uuid, new Dictionary<string, object?> { ["vm_state"] = VmStates.Error, ["fault_json"] = fault.ToJson() }, CancellationToken.None);

    /// <summary>A delete failed: ERROR with the fault and no task (its own "deleting" included), so it can be deleted again, as Nova.</summary>
    public Task SetDeleteFailedAsync(string uuid, ServerFault fault) =>
        servers.UpdateAsync(uuid, new Dictionary<string, object?>
        {
            ["vm_state"] = VmStates.Error,
            ["task_state"] = null,
            ["fault_json"] = fault.ToJson(),
        }, CancellationToken.None);

    private static string Describe(Exception error) =>
        error.InnerException is { } inner ? $"{error.Message}: {inner.Message}" : error.Message;

    /// <summary>Replaces the data dir (and so every instance, image and volume path) with a placeholder.</summary>
    private string Scrub(string text) => text.Replace(paths.Root, "<data-dir>", StringComparison.Ordinal);
}
