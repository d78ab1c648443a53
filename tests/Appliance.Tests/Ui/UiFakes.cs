using Appliance.Core.Identity;
using Appliance.Core.Servers;
using Appliance.Core.Status;
using Appliance.Web.Ui.Backend;
using Appliance.Web.Ui.Session;

namespace Appliance.Tests.Ui;

/// <summary>A change feed the test raises by hand; it counts subscribers so tests can see components unsubscribe.</summary>
public sealed class FakeServerFeed : IServerChangeFeed
{
    public event Action<ServerChanged>? Changed;

    public int Subscribers => Changed?.GetInvocationList().Length ?? 0;

    public void Raise(string uuid) => Changed?.Invoke(new ServerChanged(uuid));
}

/// <summary>Signed-in sessions without a store: the context a validated token would give.</summary>
public static class UiSessions
{
    public const string AdminProject = "a0000000000000000000000000000001";
    public const string MemberProject = "b0000000000000000000000000000002";

    public static UiSession Admin() => SignedIn("admin", AdminProject, "admin", BuiltInRoles.Admin, BuiltInRoles.Member, BuiltInRoles.Reader);

    public static UiSession Member() => SignedIn("alice", MemberProject, "demo", BuiltInRoles.Member, BuiltInRoles.Reader);

    public static UiSession SignedIn(string user, string projectId, string projectName, params string[] roles)
    {
        var session = new UiSession();
        var now = DateTimeOffset.UtcNow;
        var context = new RequestContext($"{user}-id", user, Domain.Default, new ScopedProject(projectId, projectName, Domain.Default),
            roles.Select(role => new RoleRef($"{role}-id", role)).ToList(), ["password"], "audit", now, now.AddHours(1));
        session.SignIn(new IssuedToken("secret", context));
        return session;
    }
}

/// <summary>The circuit's view of the sign-in cookie: the token it holds (none when null), as a validated token would give it.</summary>
public sealed class FakeSessionRestore(UiSession session, IssuedToken? cookie = null) : IUiSessionRestore
{
    public int Restores { get; private set; }

    public Task RestoreAsync(CancellationToken cancellationToken = default)
    {
        Restores++;
        if (cookie is not null && !session.SignedIn)
        {
            session.SignIn(cookie);
        }

        return Task.CompletedTask;
    }
}

public sealed class FakeHostStatus : IHostStatusSource
{
    public HostStatus Status { get; set; } = Sample();
    public Exception? Failure { get; set; }
    public int Reads { get; private set; }

    public Task<HostStatus> ReadAsync(CancellationToken cancellationToken = default)
    {
        Reads++;
        return Failure is null ? Task.FromResult(Status) : Task.FromException<HostStatus>(Failure);
    }

    public static HostStatus Sample(int active = 1, int build = 0)
    {
        var byStatus = new Dictionary<string, int>();
        if (active > 0) byStatus["ACTIVE"] = active;
        if (build > 0) byStatus["BUILD"] = build;
        var now = DateTimeOffset.UtcNow;
        return new HostStatus(new HostResources(16, 8192, 100, 60, "Haswell", 3, 1536), "TCG", "TCG emulation, slower: no vmx or svm", "QEMU", "9.0.0", "7.2.0", byStatus,
            [new ProjectUsage("p1", "demo", 2, 10, 3, 20, 1536, 51200)],
            [new UsageSample(now.AddMinutes(-2), 0, 0, 0, 61), new UsageSample(now.AddMinutes(-1), 1, 1, 512, 60), new UsageSample(now, 2, 3, 1536, 60)],
            null);
    }
}

/// <summary>An in-memory server catalog: rows the test sets, and a record of what the page asked it to do.</summary>
public sealed class FakeServerCatalog : IServerCatalog
{
    public Dictionary<string, ServerRow> Rows { get; } = new();
    public Dictionary<string, ServerDetails> Details { get; } = new();
    public CreateChoices Choices { get; set; } = new([new("img-1", "tiny")], [new("42", "m1.nano (1 vCPU, 256 MB, 1 GB)"), new("1", "m1.tiny")], [new("mykey", "mykey")]);
    public List<ServerForm> Created { get; } = [];
    public List<string> Deleted { get; } = [];
    public List<(string Id, ServerAction Action)> PowerCalls { get; } = [];
    public List<(string Id, string Name)> Snapshots { get; } = [];
    /// <summary>Thrown by power, snapshot and delete calls, as the core's refusals are.</summary>
    public Exception? ActionFailure { get; set; }
    public string Console { get; set; } = "";
    public Exception? CreateFailure { get; set; }
    public Exception? ListFailure { get; set; }
    public int DetailReads { get; private set; }

    public static ServerRow Row(string id, string name, string status = "BUILD", string? task = "spawning", string project = UiSessions.MemberProject,
        params string[] addresses) =>
        new(id, name, status, task, project, "42", "img-1", DateTimeOffset.UtcNow, addresses);

    public Task<IReadOnlyList<ServerRow>> ListAsync(CancellationToken cancellationToken = default) =>
        ListFailure is null ? Task.FromResult<IReadOnlyList<ServerRow>>(Rows.Values.ToList()) : Task.FromException<IReadOnlyList<ServerRow>>(ListFailure);

    public Task<ServerRow?> FindAsync(string id, CancellationToken cancellationToken = default) => Task.FromResult(Rows.GetValueOrDefault(id));

    public Task<ServerDetails?> DetailsAsync(string id, CancellationToken cancellationToken = default)
    {
        DetailReads++;
        return Task.FromResult(Details.GetValueOrDefault(id));
    }

    public Task<string> ConsoleTailAsync(string id, int lines, CancellationToken cancellationToken = default) => Task.FromResult(Console);

    public Task<CreateChoices> ChoicesAsync(CancellationToken cancellationToken = default) => Task.FromResult(Choices);

    public Task<string> CreateAsync(ServerForm form, CancellationToken cancellationToken = default)
    {
        if (CreateFailure is not null)
        {
            return Task.FromException<string>(CreateFailure);
        }

        Created.Add(form);
        return Task.FromResult($"id-{Created.Count}");
    }

    public Task PowerAsync(string id, ServerAction action, CancellationToken cancellationToken = default)
    {
        if (ActionFailure is not null)
        {
            return Task.FromException(ActionFailure);
        }

        PowerCalls.Add((id, action));
        return Task.CompletedTask;
    }

    public Task<ImageRow> SnapshotAsync(string id, string imageName, CancellationToken cancellationToken = default)
    {
        if (ActionFailure is not null)
        {
            return Task.FromException<ImageRow>(ActionFailure);
        }

        Snapshots.Add((id, imageName));
        return Task.FromResult(new ImageRow($"snap-{Snapshots.Count}", imageName, "saving", "qcow2", null, "private", UiSessions.MemberProject, DateTimeOffset.UtcNow));
    }

    public Task DeleteAsync(string id, CancellationToken cancellationToken = default)
    {
        if (ActionFailure is not null)
        {
            return Task.FromException(ActionFailure);
        }

        Deleted.Add(id);
        return Task.CompletedTask;
    }
}

/// <summary>The networks the test sets, as the catalog would give them to the signed-in user.</summary>
public sealed class FakeNetworkCatalog : INetworkCatalog
{
    public List<NetworkRow> Networks { get; } =
        [new("net-1", "private", "nat", true, "10.42.7.0/24", "10.42.7.1", "virbr-appl0", 3, 253)];

    public Exception? ListFailure { get; set; }

    /// <summary>Thrown by the next create or delete, as the core's refusal would reach the page.</summary>
    public Exception? WriteFailure { get; set; }

    public List<string> Deleted { get; } = [];

    public Task<IReadOnlyList<NetworkRow>> ListAsync(CancellationToken cancellationToken = default) =>
        ListFailure is null ? Task.FromResult<IReadOnlyList<NetworkRow>>(Networks.ToList()) : Task.FromException<IReadOnlyList<NetworkRow>>(ListFailure);

    public Task<NetworkRow> CreateAsync(string name, string cidr, CancellationToken cancellationToken = default)
    {
        if (WriteFailure is not null)
        {
            return Task.FromException<NetworkRow>(WriteFailure);
        }

        var row = new NetworkRow($"net-{Networks.Count + 1}", name, "nat", false, cidr, null, null, 0, 253, Deletable: true);
        Networks.Add(row);
        return Task.FromResult(row);
    }

    public Task DeleteAsync(string id, CancellationToken cancellationToken = default)
    {
        if (WriteFailure is not null)
        {
            return Task.FromException(WriteFailure);
        }

        Deleted.Add(id);
        Networks.RemoveAll(row => row.Id == id);
        return Task.CompletedTask;
    }
}

public sealed class FakeImageShelf : IImageShelf
{
    public List<ImageRow> Images { get; } = [new("img-1", "tiny", "active", "qcow2", 196_616, "public", "p1", DateTimeOffset.UtcNow)];
    public List<FlavorRow> Flavors { get; } = [new("42", "m1.nano", 1, 256, 1, 0, 0, true), new("1", "m1.tiny", 1, 512, 1, 0, 0, true)];
    public List<(string Name, string Format, byte[] Bytes)> Uploads { get; } = [];
    public Exception? UploadFailure { get; set; }

    public Task<IReadOnlyList<ImageRow>> ListImagesAsync(CancellationToken cancellationToken = default) => Task.FromResult<IReadOnlyList<ImageRow>>(Images.ToList());

    public Task<ImageRow?> FindImageAsync(string id, CancellationToken cancellationToken = default) =>
        Task.FromResult(Images.FirstOrDefault(image => image.Id == id && image.Status != "deleted"));

    public Task<IReadOnlyList<FlavorRow>> ListFlavorsAsync(CancellationToken cancellationToken = default) => Task.FromResult<IReadOnlyList<FlavorRow>>(Flavors);

    public async Task<ImageRow> UploadAsync(string name, string diskFormat, Stream data, CancellationToken cancellationToken = default)
    {
        using var copy = new MemoryStream();
        await data.CopyToAsync(copy, cancellationToken);
        if (UploadFailure is not null)
        {
            throw UploadFailure;
        }

        Uploads.Add((name, diskFormat, copy.ToArray()));
        var image = new ImageRow($"img-{Uploads.Count + 1}", name, "active", diskFormat, copy.Length, "private", "p1", DateTimeOffset.UtcNow);
        Images.Add(image);
        return image;
    }
}

/// <summary>The failed logins the test sets; null plays a member's view (the card is not shown).</summary>
public sealed class FakeLoginActivity : ILoginActivity
{
    public LoginActivityView? View { get; set; } = new([], []);

    public Task<LoginActivityView?> ReadAsync(CancellationToken cancellationToken = default) => Task.FromResult(View);
}
