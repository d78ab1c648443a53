using System.Diagnostics;
using Appliance.Hypervisor.Config;
using Appliance.Hypervisor.Designer;
using Appliance.Hypervisor.Disks;
using Appliance.Hypervisor.Host;
using Appliance.Hypervisor.Interop;
using Appliance.Hypervisor.Networking;
using static Appliance.Hypervisor.Driver.LibvirtCalls;

namespace Appliance.Hypervisor.Driver;

/// <summary>The compute driver over libvirt: orchestration only; XML, policy, disks and calls live in their own layers.</summary>
public sealed class LibvirtComputeDriver : IComputeDriver
{
    private readonly LibvirtHost _host;
    private readonly HypervisorPaths _paths;
    private readonly HostFacts _facts;
    private readonly DriverOptions _options;
    private readonly SpawnDisks _spawnDisks;
    private readonly BaseImageCache _cache;
    private readonly Volumes _volumes;

    public LibvirtComputeDriver(LibvirtHost host, HypervisorPaths paths, HostFacts facts, DriverOptions? options = null)
    {
        _host = host;
        _paths = paths;
        _facts = facts;
        _options = options ?? new DriverOptions();
        _cache = new BaseImageCache(paths);
        _volumes = new Volumes(paths);
        _spawnDisks = new SpawnDisks(paths, _cache, new RootOverlays(paths));
    }

    public event Action<LifecycleEvent>? LifecycleChanged
    {
        add => _host.LifecycleChanged += value;
        remove => _host.LifecycleChanged -= value;
    }

    public event Action? Reconnected
    {
        add => _host.Reconnected += value;
        remove => _host.Reconnected -= value;
    }

    public Task<SpawnReport> SpawnAsync(SpawnRequest request, CancellationToken cancellationToken = default) =>
        SpawnAsync(request, keepEphemeral: false, cleanUpOnFailure: true, cancellationToken);

    private async Task<SpawnReport> SpawnAsync(SpawnRequest request, bool keepEphemeral, bool cleanUpOnFailure, CancellationToken cancellationToken)
    {
        using (var existing = Call(() => _host.Find(request.Uuid)))
        {
            if (existing is not null)
            {
                throw new HypervisorOperationException($"instance {request.Uuid} already exists on this host");
            }
        }

        var phases = new List<SpawnPhase>();
        var total = Stopwatch.StartNew();
        try
        {
            var (spec, baseWasCached) = await _spawnDisks.CreateAsync(request, phases, keepEphemeral, cancellationToken).ConfigureAwait(false);

            var watch = Stopwatch.StartNew();
            var xml = GuestConfigWriter.ToXml(GuestDesigner.Design(spec, _facts));
            using var guest = Call(() => _host.Define(xml));
            phases.Add(new SpawnPhase(SpawnPhases.Define, watch.Elapsed));

            var beforeStart = total.Elapsed;
            watch.Restart();
            Call(guest.Create);
            phases.Add(new SpawnPhase(SpawnPhases.Start, watch.Elapsed));
            return new SpawnReport(phases, baseWasCached, beforeStart);
        }
        catch when (cleanUpOnFailure)
        {
            // A failed spawn leaves nothing behind: no domain, no instance dir.
            await DestroyAsync(request.Uuid, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    public Task DestroyAsync(Guid uuid, CancellationToken cancellationToken = default)
    {
        using (var guest = Call(() => _host.Find(uuid)))
        {
            if (guest is not null)
            {
                if (Call(() => guest.IsActive))
                {
                    Call(guest.Destroy);
                }

                Call(guest.Undefine);
            }
        }

        var dir = _paths.InstanceDir(uuid);
        if (Directory.Exists(dir))
        {
            Directory.Delete(dir, recursive: true);
        }

        ResizeKeeper.Drop(_paths, uuid);
        return Task.CompletedTask;
    }

    public async Task PowerOffAsync(Guid uuid, CancellationToken cancellationToken = default)
    {
        using var guest = Call(() => _host.Get(uuid));
        if (!Call(() => guest.IsActive))
        {
            return;
        }

        if (!await ShutdownCleanlyAsync(guest, _options.CleanShutdownTimeout, cancellationToken).ConfigureAwait(false))
        {
            Call(guest.Destroy);
        }
    }

    public Task PowerOnAsync(Guid uuid, CancellationToken cancellationToken = default)
    {
        using var guest = Call(() => _host.Get(uuid));
        if (!Call(() => guest.IsActive))
        {
            Call(guest.Create);
        }

        return Task.CompletedTask;
    }

    public async Task<RebootKind> RebootAsync(Guid uuid, RebootKind kind, CancellationToken cancellationToken = default)
    {
        using var guest = Call(() => _host.Get(uuid));
        // As Nova: a soft reboot is a clean shutdown and a fresh start, so the guest comes back on its current definition.
        if (kind == RebootKind.Soft && Call(() => guest.PowerState) == PowerState.Running
            && await ShutdownCleanlyAsync(guest, _options.SoftRebootTimeout, cancellationToken).ConfigureAwait(false))
        {
            Call(guest.Create);
            return RebootKind.Soft;
        }

        try
        {
            if (Call(() => guest.IsActive))
            {
                Call(guest.Destroy);
            }
        }
        catch (HypervisorOperationException) when (!Call(() => guest.IsActive))
        {
            // It stopped by itself meanwhile, e.g. answering the ACPI request of a soft reboot this one took over from.
        }

        // As Nova's hard reboot: a suspended guest boots afresh rather than resuming its saved memory.
        if (Call(guest.HasManagedSave))
        {
            Call(guest.RemoveManagedSave);
        }

        Call(guest.Create);
        return RebootKind.Hard;
    }

    public async Task<SpawnReport> RebuildAsync(SpawnRequest request, bool preserveEphemeral = false, CancellationToken cancellationToken = default)
    {
        // As Nova's default rebuild: a clean stop, then the local disks and definition are made anew; volumes stay.
        using (var guest = Call(() => _host.Find(request.Uuid)))
        {
            if (guest is not null)
            {
                if (Call(() => guest.IsActive) && !await ShutdownCleanlyAsync(guest, _options.CleanShutdownTimeout, cancellationToken).ConfigureAwait(false))
                {
                    Call(guest.Destroy);
                }

                Call(guest.Undefine);
            }
        }

        var dir = _paths.InstanceDir(request.Uuid);
        var keepEphemeral = preserveEphemeral && request.EphemeralGiB > 0 && File.Exists(_paths.EphemeralDisk(request.Uuid));
        if (Directory.Exists(dir))
        {
            foreach (var file in Directory.GetFiles(dir).Where(f => !(keepEphemeral && f == _paths.EphemeralDisk(request.Uuid))))
            {
                File.Delete(file);
            }
        }

        // A failed rebuild keeps the instance dir: a preserved ephemeral disk is the user's data.
        return await SpawnAsync(request, keepEphemeral, cleanUpOnFailure: false, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<SpawnPhase>> ResizeAsync(Guid uuid, FlavorSize size, CancellationToken cancellationToken = default)
    {
        bool wasRunning;
        string xml;
        using (var guest = Call(() => _host.Get(uuid)))
        {
            wasRunning = Call(() => guest.IsActive);
            xml = Call(guest.XmlDesc);
        }

        var current = GuestConfigReader.FromXml(xml);
        if (Directory.Exists(_paths.ResizeKeptDir(uuid)))
        {
            throw new HypervisorOperationException($"instance {uuid} has a resize that is neither confirmed nor reverted");
        }

        await GuestResizer.CheckAsync(current, _paths, size, cancellationToken).ConfigureAwait(false);
        var phases = new List<SpawnPhase>();
        var watch = Stopwatch.StartNew();
        await PowerOffAsync(uuid, cancellationToken).ConfigureAwait(false);
        phases.Add(new SpawnPhase(ResizePhases.PowerOff, watch.Elapsed));

        watch.Restart();
        await ResizeKeeper.KeepAsync(_paths, uuid, xml, cancellationToken).ConfigureAwait(false);
        phases.Add(new SpawnPhase(ResizePhases.KeepOldDisks, watch.Elapsed));
        try
        {
            watch.Restart();
            var spec = await GuestResizer.ResizeDisksAsync(current, _paths, size, cancellationToken).ConfigureAwait(false);
            phases.Add(new SpawnPhase(ResizePhases.Disks, watch.Elapsed));

            watch.Restart();
            // The NICs stay as they are: a resize changes sizes, not ports.
            var resized = GuestDesigner.Design(spec, _facts) with { Interfaces = current.Interfaces, QemuUserNics = current.QemuUserNics };
            using var redefined = Call(() => _host.Define(GuestConfigWriter.ToXml(resized)));
            phases.Add(new SpawnPhase(SpawnPhases.Define, watch.Elapsed));
            if (wasRunning)
            {
                watch.Restart();
                Call(redefined.Create);
                phases.Add(new SpawnPhase(SpawnPhases.Start, watch.Elapsed));
            }

            return phases;
        }
        catch
        {
            // The guest goes back to what it was, as a revert would put it.
            await RevertResizeAsync(uuid, wasRunning, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    public Task ConfirmResizeAsync(Guid uuid, CancellationToken cancellationToken = default)
    {
        ResizeKeeper.Drop(_paths, uuid);
        return Task.CompletedTask;
    }

    public async Task<bool> RevertResizeAsync(Guid uuid, bool powerOn, CancellationToken cancellationToken = default)
    {
        using (var guest = Call(() => _host.Find(uuid)))
        {
            if (guest is not null && Call(() => guest.IsActive))
            {
                // The resized guest is thrown away, as Nova's revert destroys it: nothing in it is kept.
                Call(guest.Destroy);
            }
        }

        var xml = await ResizeKeeper.PutBackAsync(_paths, uuid, cancellationToken).ConfigureAwait(false);
        if (xml is not null)
        {
            using var restored = Call(() => _host.Define(xml));
            ResizeKeeper.Finish(_paths, uuid);
        }

        if (powerOn)
        {
            using var guest = Call(() => _host.Find(uuid));
            if (guest is not null && !Call(() => guest.IsActive))
            {
                Call(guest.Create);
            }
        }

        return xml is not null;
    }

    public async Task<VolumeFile> CreateVolumeAsync(string volumeId, ImageFile? image, long sizeBytes, CancellationToken cancellationToken = default)
    {
        if (image is null)
        {
            return new VolumeFile(volumeId, await _volumes.CreateBlankAsync(volumeId, sizeBytes, cancellationToken).ConfigureAwait(false), Volumes.Format);
        }

        var cached = await _cache.EnsureAsync(image.ImageId, image.Path, image.Format, cancellationToken).ConfigureAwait(false);
        return new VolumeFile(volumeId, await _volumes.CreateFromImageAsync(volumeId, cached, sizeBytes, cancellationToken).ConfigureAwait(false), Volumes.Format);
    }

    public void DeleteVolume(string volumeId) => _volumes.Delete(volumeId);

    public Task<string> AttachVolumeAsync(Guid uuid, VolumeFile volume, CancellationToken cancellationToken = default)
    {
        using var guest = Call(() => _host.Get(uuid));
        var current = GuestConfigReader.FromXml(Call(guest.XmlDesc));
        if (current.Disks.Any(d => d.Serial == volume.VolumeId))
        {
            throw new HypervisorOperationException($"volume {volume.VolumeId} is already attached to instance {uuid}");
        }

        var disk = GuestDesigner.Disk(new GuestSpecDisk(volume.Path, volume.Format) { Serial = volume.VolumeId }, GuestDesigner.NextVirtioName(current.Disks));
        Call(() => guest.AttachDevice(GuestConfigWriter.ToXml(disk)));
        return Task.FromResult(disk.TargetDev);
    }

    public async Task DetachVolumeAsync(Guid uuid, string volumeId, CancellationToken cancellationToken = default)
    {
        using var guest = Call(() => _host.Get(uuid));
        var disk = FindVolume(guest, volumeId) ?? throw new HypervisorOperationException($"volume {volumeId} is not attached to instance {uuid}");
        Call(() => guest.DetachDevice(GuestConfigWriter.ToXml(disk)));

        // A running guest unplugs the disk in its own time; the volume is free only once it has.
        await WaitForReleaseAsync(() => FindVolume(guest, volumeId) is not null, $"instance {uuid} did not release volume {volumeId}", cancellationToken)
            .ConfigureAwait(false);
    }

    public Task AttachNicAsync(Guid uuid, GuestNic nic, CancellationToken cancellationToken = default)
    {
        if (GuestDesigner.OnQemuSlirp(nic, _facts))
        {
            throw new HypervisorOperationException("a user-mode NIC on QEMU's SLIRP is given at create only: libvirt cannot plug what it does not know");
        }

        using var guest = Call(() => _host.Get(uuid));
        if (FindNic(guest, nic.Mac) is not null)
        {
            throw new HypervisorOperationException($"a NIC with MAC {nic.Mac} is already attached to instance {uuid}");
        }

        var device = GuestDesigner.Interface(nic);
        if (!Hotplugged(() => guest.AttachDevice(GuestConfigWriter.ToXml(device))))
        {
            Redefine(guest, config => config with { Interfaces = [.. config.Interfaces, device] });
        }

        return Task.CompletedTask;
    }

    public async Task DetachNicAsync(Guid uuid, string mac, CancellationToken cancellationToken = default)
    {
        using var guest = Call(() => _host.Get(uuid));
        var nic = FindNic(guest, mac) ?? FindNic(guest, mac, persistent: true)
            ?? throw new HypervisorOperationException($"no NIC with MAC {mac} is attached to instance {uuid}");
        if (!Hotplugged(() => guest.DetachDevice(GuestConfigWriter.ToXml(nic))))
        {
            Redefine(guest, config => config with { Interfaces = config.Interfaces.Where(i => !string.Equals(i.Mac, mac, StringComparison.OrdinalIgnoreCase)).ToList() });
            return;
        }

        // As a disk: the PCI unplug needs the running guest's consent, and the port is free only once it has given it.
        await WaitForReleaseAsync(() => FindNic(guest, mac) is not null, $"instance {uuid} did not release the NIC with MAC {mac}", cancellationToken)
            .ConfigureAwait(false);
    }

    public Task InjectNmiAsync(Guid uuid, CancellationToken cancellationToken = default) => OnGuest(uuid, g => g.InjectNmi());

    public Task PauseAsync(Guid uuid, CancellationToken cancellationToken = default) => OnGuest(uuid, g => g.Suspend());

    public Task UnpauseAsync(Guid uuid, CancellationToken cancellationToken = default) => OnGuest(uuid, g => g.Resume());

    public Task SuspendAsync(Guid uuid, CancellationToken cancellationToken = default) => OnGuest(uuid, g => g.ManagedSave());

    /// <summary>Starting a domain with a managed-save image restores it.</summary>
    public Task ResumeAsync(Guid uuid, CancellationToken cancellationToken = default) => OnGuest(uuid, g => g.Create());

    public async Task SnapshotAsync(Guid uuid, string targetPath, CancellationToken cancellationToken = default)
    {
        using var guest = Call(() => _host.Get(uuid));
        var root = GuestConfigReader.FromXml(Call(guest.XmlDesc)).Disks.FirstOrDefault(d => d.Device == "disk")
            ?? throw new HypervisorOperationException($"instance {uuid} has no disk to snapshot");

        // Cold snapshot, as Nova's fallback: save memory so the disk is still and QEMU lets go of it, copy, restore.
        var state = Call(() => guest.State()).State;
        var wasRunning = state is LibvirtDomainState.Running or LibvirtDomainState.Blocked or LibvirtDomainState.Paused;
        if (wasRunning)
        {
            Call(guest.ManagedSave);
        }

        var temporary = targetPath + ".part";
        try
        {
            await QemuImg.ConvertAsync(root.SourceFile, root.Format, temporary, "qcow2", cancellationToken).ConfigureAwait(false);
            File.Move(temporary, targetPath, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }

            if (wasRunning)
            {
                Call(guest.Create);
            }
        }
    }

    public Task SetAdminPasswordAsync(Guid uuid, string user, string password, CancellationToken cancellationToken = default)
    {
        using var guest = Call(() => _host.Get(uuid));
        try
        {
            guest.SetUserPassword(user, password);
        }
        catch (LibvirtException e) when (e.Code is Libvirt.VIR_ERR_AGENT_UNRESPONSIVE or Libvirt.VIR_ERR_NO_SUPPORT
            or Libvirt.VIR_ERR_ARGUMENT_UNSUPPORTED or Libvirt.VIR_ERR_OPERATION_INVALID or Libvirt.VIR_ERR_OPERATION_UNSUPPORTED)
        {
            throw new GuestAgentUnavailableException(uuid, e);
        }
        catch (LibvirtException e)
        {
            throw Translate(e);
        }

        return Task.CompletedTask;
    }

    public Task<string> GetConsoleOutputAsync(Guid uuid, int? maxLines = null, CancellationToken cancellationToken = default)
    {
        using (Call(() => _host.Get(uuid)))
        {
            return ConsoleLog.TailAsync(_paths.ConsoleLog(uuid), _options.MaxConsoleBytes, maxLines, cancellationToken);
        }
    }

    public PowerState GetPowerState(Guid uuid)
    {
        using var guest = Call(() => _host.Get(uuid));
        return Call(() => guest.PowerState);
    }

    public IReadOnlyList<GuestStatus> ListGuests()
    {
        var guests = Call(_host.ListAll);
        try
        {
            return guests.Select(g => Call(() => new GuestStatus(g.Uuid, g.Name, g.PowerState))).ToList();
        }
        finally
        {
            guests.ForEach(g => g.Dispose());
        }
    }

    public HostCapacity GetHostCapacity()
    {
        var node = Call(_host.NodeInfo);
        Directory.CreateDirectory(_paths.DataDir);
        var drive = new DriveInfo(_paths.DataDir);
        return new HostCapacity(node.Cpus, node.MemoryMiB, drive.TotalSize >> 30, drive.AvailableFreeSpace >> 30, node.Model);
    }

    public HypervisorInfo Describe() => Call(_host.Describe);

    private static GuestDisk? FindVolume(Guest guest, string volumeId) =>
        GuestConfigReader.FromXml(Call(guest.XmlDesc)).Disks.FirstOrDefault(d => d.Serial == volumeId);

    /// <summary>libvirt's VIR_ERR_NO_SUPPORT: the connection's driver has no such call (the test driver has no hot-plug).</summary>
    private const int NotSupported = 3;

    /// <summary>Runs a hot-plug call; false when the connection can't hot-plug at all, so the caller changes the definition instead.</summary>
    private static bool Hotplugged(Action plug)
    {
        try
        {
            plug();
            return true;
        }
        catch (LibvirtException e) when (e.Code == NotSupported)
        {
            return false;
        }
        catch (LibvirtException e)
        {
            throw LibvirtCalls.Translate(e);
        }
    }

    /// <summary>Changes the guest's persistent definition; a running guest sees the change at its next start.</summary>
    private void Redefine(Guest guest, Func<GuestConfig, GuestConfig> change)
    {
        var config = GuestConfigReader.FromXml(Call(guest.PersistentXmlDesc));
        using var redefined = Call(() => _host.Define(GuestConfigWriter.ToXml(change(config))));
    }

    private static GuestInterface? FindNic(Guest guest, string mac, bool persistent = false) =>
        GuestConfigReader.FromXml(Call(() => persistent ? guest.PersistentXmlDesc() : guest.XmlDesc())).Interfaces.FirstOrDefault(i => string.Equals(i.Mac, mac, StringComparison.OrdinalIgnoreCase));

    /// <summary>Polls until the device is gone from the guest; throws when it is still there after the detach timeout.</summary>
    private async Task WaitForReleaseAsync(Func<bool> stillAttached, string failure, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        while (stillAttached())
        {
            if (watch.Elapsed >= _options.DetachTimeout)
            {
                throw new HypervisorOperationException($"{failure} within {_options.DetachTimeout.TotalSeconds:F0} s");
            }

            await Task.Delay(_options.PollInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Waits for the guest to stop after an ACPI shutdown; false when it did not within the timeout.</summary>
    private async Task<bool> ShutdownCleanlyAsync(Guest guest, TimeSpan timeout, CancellationToken cancellationToken)
    {
        Call(guest.Shutdown);
        var watch = Stopwatch.StartNew();
        while (Call(() => guest.IsActive))
        {
            if (watch.Elapsed >= timeout)
            {
                return false;
            }

            await Task.Delay(_options.PollInterval, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    private Task OnGuest(Guid uuid, Action<Guest> action)
    {
        using var guest = Call(() => _host.Get(uuid));
        Call(() => action(guest));
        return Task.CompletedTask;
    }
}
