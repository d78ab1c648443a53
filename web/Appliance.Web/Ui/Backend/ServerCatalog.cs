using System.Text;
using System.Text.Json;
using Appliance.Core;
using Appliance.Core.Flavors;
using Appliance.Core.Images;
using Appliance.Core.Keypairs;
using Appliance.Core.Networks;
using Appliance.Core.Servers;
using Appliance.Web.Compute.Servers;
using Appliance.Web.Faults;
using Appliance.Web.Ui.Session;
using Microsoft.AspNetCore.Http;

namespace Appliance.Web.Ui.Backend;

/// <summary>The status page's server operations on the core's services, with the same rules as the Compute API.</summary>
public sealed class ServerCatalog(
    UiCaller caller,
    ServerService service,
    ServerPowerService power,
    ServerSnapshotService snapshots,
    ServerListReader reader,
    ServerConsole console,
    InstanceActionHistory history,
    ImageService images,
    FlavorService flavors,
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
        // The page's addresses, read with its servers: one query for the whole list.
        return page.Servers.Select(server => Row(server, page.Addresses.GetValueOrDefault(server.Uuid))).ToList();
    }

    public async Task<ServerRow?> FindAsync(string id, CancellationToken cancellationToken = default)
    {
        var who = await caller.ServerCallerAsync(cancellationToken);
        if (await service.FindAsync(who, id, cancellationToken) is not { } server)
        {
            return null;
        }

        // A row read again on a change notice carries its addresses too: a new server's port is made while it builds.
        var addresses = await service.AddressesAsync([server], cancellationToken);
        return Row(server, addresses.GetValueOrDefault(server.Uuid));
    }

    public async Task<ServerDetails?> DetailsAsync(string id, CancellationToken cancellationToken = default)
    {
        var who = await caller.ServerCallerAsync(cancellationToken);
        if (await service.FindAsync(who, id, cancellationToken) is not { } server)
        {
            return null;
        }

        var detail = await service.DetailAsync(server, cancellationToken);
        var timeline = (await history.TimelineAsync(server, cancellationToken)).Select(entry => new ActionTimeline(entry.Action.Action,
            entry.Action.RequestId, Timestamps.Parse(entry.Action.StartTime), Time(entry.Action.FinishTime), entry.Action.Message,
            entry.Events.Select(e => new PhaseRow(e.Event, Timestamps.Parse(e.StartTime), Time(e.FinishTime), e.Result, e.Details)).ToList())).ToList();
        var addresses = detail.Addresses.Select(a => new AddressRow(a.NetworkName, a.Address, a.MacAddress)
        {
            Forwards = a.Forwards.Select(f => f.ToString()).ToList(),
        }).ToList();
        return new ServerDetails(Row(server, detail.Addresses), server.Vcpus, server.MemoryMb, server.KeyName, server.ConfigDrive, server.Locked,
            ServerFault.FromJson(server.FaultJson)?.Message, addresses, Disks(detail), detail.Metadata, timeline, Allowed(server));
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
            // The API's console output, with its rules: the role it takes, and the control characters taken out.
            return await console.OutputAsync(who, server.Uuid, lines, cancellationToken);
        }
        catch (ForbiddenException e)
        {
            throw new UiException(e.Message, e);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Not ready (still building), the guest gone, or the hypervisor away: the tail is simply empty for now.
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
        var request = new NewServer
        {
            Name = form.Name.Trim(),
            ImageRef = form.ImageId,
            FlavorRef = form.FlavorId,
            KeyName = string.IsNullOrEmpty(form.KeyName) ? null : form.KeyName,
            // The core keeps user data as the API's base64; the form takes plain text.
            UserData = string.IsNullOrEmpty(form.UserData) ? null : Convert.ToBase64String(Encoding.UTF8.GetBytes(form.UserData)),
            ConfigDrive = form.ConfigDrive,
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

    private static ServerRow Row(ServerRecord server, IReadOnlyList<ServerAddress>? addresses) => new(server.Uuid, server.Name, server.Status,
        server.TaskState, server.ProjectId, server.FlavorId, server.ImageRef, Timestamps.Parse(server.CreatedAt),
        addresses?.Select(a => a.Address).ToList() ?? []);

    /// <summary>
    /// The actions whose state checks the server passes now, by the core's own table. The lock and the role are left to the
    /// core, whose refusal the page shows.
    /// </summary>
    private static IReadOnlySet<ServerAction> Allowed(ServerRecord server)
    {
        var allowed = PowerActions.Where(pair => ServerStateChecks.Allows(server, pair.Value)).Select(pair => pair.Key).ToHashSet();
        if (ServerStateChecks.AllowsSnapshot(server))
        {
            allowed.Add(ServerAction.Snapshot);
        }

        if (ServerStateChecks.AllowsDelete(server))
        {
            allowed.Add(ServerAction.Delete);
        }

        return allowed;
    }

    private static DateTimeOffset? Time(string? stored) => stored is null ? null : Timestamps.Parse(stored);

    private static IReadOnlyList<DiskRow> Disks(ServerDetail detail)
    {
        var server = detail.Server;
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

        foreach (var volume in detail.BlockDevices.Where(m => m.DestinationType == "volume"))
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
