using System.Text;
using System.Text.Json;
using Appliance.Core;
using Appliance.Core.Flavors;
using Appliance.Core.Images;
using Appliance.Core.Keypairs;
using Appliance.Core.Servers;
using Appliance.Hypervisor.Driver;
using Appliance.Web.Compute.Servers;
using Appliance.Web.Faults;
using Appliance.Web.Ui.Session;

namespace Appliance.Web.Ui.Backend;

/// <summary>The status page's server operations on the core's services, with the same rules as the Compute API.</summary>
public sealed class ServerCatalog(
    UiCaller caller,
    ServerService service,
    ServerPowerService power,
    ServerSnapshotService snapshots,
    ServerListReader reader,
    ServerRepository repository,
    InstanceActions actions,
    IComputeDriver driver,
    ImageService images,
    FlavorRepository flavors,
    KeyPairService keypairs) : IServerCatalog
{
    /// <summary>The buttons that are power operations, and the Compute API action each one is.</summary>
    private static readonly IReadOnlyDictionary<ServerAction, PowerAction> PowerActions = new Dictionary<ServerAction, PowerAction>
    {
        [ServerAction.Start] = PowerAction.Start,
        [ServerAction.Stop] = PowerAction.Stop,
        [ServerAction.Reboot] = PowerAction.RebootSoft,
        [ServerAction.HardReboot] = PowerAction.RebootHard,
    };

    public async Task<IReadOnlyList<ServerRow>> ListAsync(CancellationToken cancellationToken = default)
    {
        var who = await caller.ServerCallerAsync(cancellationToken);
        var page = await reader.ListAsync(new ServerListQuery { ProjectId = who.IsAdmin ? null : who.ProjectId }, cancellationToken);
        return page.Servers.Select(Row).ToList();
    }

    public async Task<ServerRow?> FindAsync(string id, CancellationToken cancellationToken = default)
    {
        var who = await caller.ServerCallerAsync(cancellationToken);
        var server = await repository.FindAsync(id, cancellationToken: cancellationToken);
        return server is not null && who.CanRead(server) ? Row(server) : null;
    }

    public async Task<ServerDetails?> DetailsAsync(string id, CancellationToken cancellationToken = default)
    {
        var who = await caller.ServerCallerAsync(cancellationToken);
        var server = await repository.FindAsync(id, cancellationToken: cancellationToken);
        if (server is null || !who.CanRead(server))
        {
            return null;
        }

        var timeline = new List<ActionTimeline>();
        foreach (var action in await actions.ListAsync(server.Uuid, cancellationToken))
        {
            var events = (await actions.FindAsync(server.Uuid, action.RequestId, cancellationToken))?.Events ?? [];
            timeline.Add(new ActionTimeline(action.Action, action.RequestId, Timestamps.Parse(action.StartTime), Time(action.FinishTime), action.Message,
                events.Select(e => new PhaseRow(e.Event, Timestamps.Parse(e.StartTime), Time(e.FinishTime), e.Result, e.Details)).ToList()));
        }

        var addresses = new[] { server.AccessIpV4, server.AccessIpV6 }.Where(ip => ip.Length > 0).ToList();
        return new ServerDetails(Row(server), server.Vcpus, server.MemoryMb, server.KeyName, server.ConfigDrive, server.Locked,
            ServerFault.FromJson(server.FaultJson)?.Message, addresses, await DisksAsync(server, cancellationToken),
            await repository.MetadataAsync(server.Uuid, cancellationToken), timeline, Allowed(server));
    }

    public async Task<string> ConsoleTailAsync(string id, int lines, CancellationToken cancellationToken = default)
    {
        var who = await caller.ServerCallerAsync(cancellationToken);
        ServerRecord server;
        try
        {
            server = await service.GetAsync(who, id, cancellationToken);
        }
        catch (RequestRefusedException e)
        {
            throw new UiException(e.Message, e);
        }

        try
        {
            return await driver.GetConsoleOutputAsync(server.Id, lines, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // No guest yet (still building) or gone: the tail is simply empty for now.
            return "";
        }
    }

    public async Task<CreateChoices> ChoicesAsync(CancellationToken cancellationToken = default)
    {
        var who = await caller.ServerCallerAsync(cancellationToken);
        var (activeImages, _) = await images.ListAsync(new ImageCaller(who.ProjectId, who.IsAdmin),
            new ImageQuery { Status = ImageStatus.Active, Limit = 1000 }, cancellationToken);
        var usable = (await flavors.ListAsync(new FlavorQuery(), who.ProjectId, who.IsAdmin, cancellationToken)).Where(f => !f.Disabled);
        var keys = await keypairs.ListAsync(who.UserId, cancellationToken: cancellationToken);
        return new CreateChoices(
            activeImages.Where(i => i.DiskFormat is not ("aki" or "ari")) // kernels and ramdisks boot nothing alone
                .Select(i => new Choice(i.Id, i.Name ?? i.Id)).ToList(),
            usable.Select(f => new Choice(f.FlavorId, $"{f.Name} ({f.Vcpus} vCPU, {f.MemoryMb} MB, {f.RootGb} GB)")).ToList(),
            keys.Select(k => new Choice(k.Name, k.Name)).ToList());
    }

    public async Task<string> CreateAsync(ServerForm form, CancellationToken cancellationToken = default)
    {
        var who = await caller.ServerCallerAsync(cancellationToken);
        if (!who.IsAdmin && !who.CanWriteOwnProject)
        {
            throw new UiException("Your role on this project only lets you read.");
        }

        var request = new NewServer
        {
            Name = form.Name.Trim(),
            ImageRef = form.ImageId,
            FlavorRef = form.FlavorId,
            KeyName = string.IsNullOrEmpty(form.KeyName) ? null : form.KeyName,
            // The core keeps user data as the API's base64; the form takes plain text.
            UserData = string.IsNullOrEmpty(form.UserData) ? null : Convert.ToBase64String(Encoding.UTF8.GetBytes(form.UserData)),
            ConfigDrive = form.ConfigDrive,
            Networks = "none",
        };
        try
        {
            var created = await service.CreateAsync(who, Operation(who), request, cancellationToken);
            return created.Servers[0].Uuid;
        }
        catch (RequestRefusedException e)
        {
            throw new UiException(e.Message, e);
        }
    }

    public async Task PowerAsync(string id, ServerAction action, CancellationToken cancellationToken = default)
    {
        var powerAction = PowerActions.TryGetValue(action, out var found) ? found : throw new ArgumentOutOfRangeException(nameof(action), action, "not a power action");
        var who = await caller.ServerCallerAsync(cancellationToken);
        try
        {
            await power.RunAsync(who, Operation(who), id, powerAction, cancellationToken);
        }
        catch (RequestRefusedException e)
        {
            throw new UiException(e.Message, e);
        }
    }

    public async Task<ImageRow> SnapshotAsync(string id, string imageName, CancellationToken cancellationToken = default)
    {
        var who = await caller.ServerCallerAsync(cancellationToken);
        string name;
        try
        {
            // The API's own rule for the name, so a snapshot made here could have been made with `openstack server image create`.
            name = ServerFields.Name(JsonSerializer.SerializeToElement(imageName.Trim()), "name");
        }
        catch (FaultException)
        {
            throw new UiException("The image name must be 1 to 255 printable characters.");
        }

        try
        {
            var imageId = await snapshots.CreateImageAsync(who, Operation(who), id, name, new Dictionary<string, string>(), cancellationToken);
            return ImageRow.From(await images.GetAsync(new ImageCaller(who.ProjectId, who.IsAdmin), imageId, cancellationToken));
        }
        catch (RequestRefusedException e)
        {
            throw new UiException(e.Message, e);
        }
    }

    public async Task DeleteAsync(string id, CancellationToken cancellationToken = default)
    {
        var who = await caller.ServerCallerAsync(cancellationToken);
        try
        {
            await service.DeleteAsync(who, Operation(who), id, cancellationToken);
        }
        catch (RequestRefusedException e)
        {
            throw new UiException(e.Message, e);
        }
    }

    /// <summary>Status page actions get a request id of their own, so the instance action says where they came from.</summary>
    private static OperationContext Operation(ServerCaller who) => new($"req-{Guid.NewGuid()}", who.UserId, who.ProjectId);

    private static ServerRow Row(ServerRecord server) => new(server.Uuid, server.Name, server.Status, server.TaskState, server.ProjectId,
        server.FlavorId, server.ImageRef, Timestamps.Parse(server.CreatedAt));

    /// <summary>
    /// The actions whose state checks the server passes now, as the core makes them: a power action or a snapshot from
    /// its vm_states with no task running on a server that has come up once; delete unless it is already deleting.
    /// The lock and the role are left to the core, whose refusal the page shows.
    /// </summary>
    private static IReadOnlySet<ServerAction> Allowed(ServerRecord server)
    {
        var idle = server.TaskState is null && server.LaunchedAt is not null;
        var allowed = PowerActions.Where(pair => idle && pair.Value.FromVmStates.Contains(server.VmState)).Select(pair => pair.Key).ToHashSet();
        if (idle && ServerStateChecks.Resting.Contains(server.VmState)) // createImage's vm_states are the resting ones
        {
            allowed.Add(ServerAction.Snapshot);
        }

        if (server.TaskState != TaskStates.Deleting)
        {
            allowed.Add(ServerAction.Delete);
        }

        return allowed;
    }

    private static DateTimeOffset? Time(string? stored) => stored is null ? null : Timestamps.Parse(stored);

    private async Task<IReadOnlyList<DiskRow>> DisksAsync(ServerRecord server, CancellationToken cancellationToken)
    {
        var disks = new List<DiskRow>();
        if (server.ImageRef.Length > 0)
        {
            disks.Add(new DiskRow(server.RootDeviceName ?? "", "root, copy-on-write over the image", server.RootGb == 0 ? "image size" : $"{server.RootGb} GB"));
        }

        if (server.EphemeralGb > 0)
        {
            disks.Add(new DiskRow("", "ephemeral", $"{server.EphemeralGb} GB"));
        }

        if (server.SwapMb > 0)
        {
            disks.Add(new DiskRow("", "swap", $"{server.SwapMb} MB"));
        }

        foreach (var volume in (await repository.BlockDevicesAsync(server.Uuid, cancellationToken)).Where(m => m.DestinationType == "volume"))
        {
            disks.Add(new DiskRow(volume.DeviceName ?? "", $"volume {volume.VolumeId}", volume.VolumeSize is { } size ? $"{size} GB" : ""));
        }

        if (server.ConfigDrive)
        {
            disks.Add(new DiskRow("", "config drive (ISO 9660)", ""));
        }

        return disks;
    }
}
