using Appliance.Hypervisor.Disks;
using Appliance.Hypervisor.Processes;

namespace Appliance.Hypervisor.Driver;

/// <summary>
/// What a resize keeps so it can be reverted, as Nova's libvirt driver keeps "&lt;instance dir&gt;_resize": a copy of the
/// stopped guest's instance dir (sparse files stay sparse) and its domain definition. Confirm drops it, revert puts it back.
/// </summary>
internal static class ResizeKeeper
{
    /// <summary>Copies the instance dir aside; only a whole copy gets the kept name.</summary>
    public static async Task KeepAsync(HypervisorPaths paths, Guid uuid, string domainXml, CancellationToken cancellationToken)
    {
        var partial = paths.ResizeKeptPartialDir(uuid);
        DeleteDirectory(partial);
        await HostCommand.RunAsync("cp", ["-R", "--sparse=always", "--preserve=mode,timestamps", paths.InstanceDir(uuid), partial], cancellationToken)
            .ConfigureAwait(false);
        await File.WriteAllTextAsync(HypervisorPaths.KeptDomainXml(partial), domainXml, cancellationToken).ConfigureAwait(false);
        Directory.Move(partial, paths.ResizeKeptDir(uuid));
    }

    /// <summary>
    /// Puts the kept instance dir back in place of the resized one and returns the kept definition, or null when nothing
    /// was kept. Safe to run again after a crash part-way: the definition travels with the dir and is removed last.
    /// </summary>
    public static async Task<string?> PutBackAsync(HypervisorPaths paths, Guid uuid, CancellationToken cancellationToken)
    {
        DeleteDirectory(paths.ResizeKeptPartialDir(uuid));
        var kept = paths.ResizeKeptDir(uuid);
        var dir = paths.InstanceDir(uuid);
        if (Directory.Exists(kept))
        {
            DeleteDirectory(dir);
            Directory.Move(kept, dir);
        }

        var xml = HypervisorPaths.KeptDomainXml(dir);
        return File.Exists(xml) ? await File.ReadAllTextAsync(xml, cancellationToken).ConfigureAwait(false) : null;
    }

    /// <summary>The definition has been given back to libvirt: the revert is complete.</summary>
    public static void Finish(HypervisorPaths paths, Guid uuid) => File.Delete(HypervisorPaths.KeptDomainXml(paths.InstanceDir(uuid)));

    /// <summary>Drops what a resize kept (its confirm), and any copy a crash cut short.</summary>
    public static void Drop(HypervisorPaths paths, Guid uuid)
    {
        DeleteDirectory(paths.ResizeKeptPartialDir(uuid));
        DeleteDirectory(paths.ResizeKeptDir(uuid));
    }

    private static void DeleteDirectory(string path)
    {
        if (Directory.Exists(path))
        {
            Directory.Delete(path, recursive: true);
        }
    }
}
