using Appliance.Core.Configuration;
using Appliance.Core.Quotas;
using Appliance.Core.Servers;
using Appliance.Web.Microversions;
using Microsoft.AspNetCore.Http;

namespace Appliance.Web.Compute.Servers;

/// <summary>
/// What server handlers and server actions need, bound as one [AsParameters] bundle: values taken from the request,
/// and the core's server services (all singletons, so binding them costs nothing).
/// </summary>
public sealed class ServerRequestServices(
    HttpContext http,
    ApplianceOptions options,
    QuotaService quotas,
    ServerService servers,
    ServerListReader lists,
    ServerMetadataService metadata,
    ServerTagService tags,
    InstanceActionHistory history,
    ServerPowerService power,
    ServerLockService locks,
    ServerResizeService resizes,
    ServerRebuildService rebuilds,
    ServerSnapshotService snapshots,
    ServerPasswordService passwords,
    CrashDumpService crashDumps,
    ServerConsole console)
{
    private ServerCaller? _caller;

    public HttpContext Http { get; } = http;
    public ApplianceOptions Options { get; } = options;
    public QuotaService Quotas { get; } = quotas;
    public ServerService Servers { get; } = servers;
    public ServerListReader Lists { get; } = lists;
    public ServerMetadataService Metadata { get; } = metadata;
    public ServerTagService Tags { get; } = tags;
    public InstanceActionHistory History { get; } = history;
    public ServerPowerService Power { get; } = power;
    public ServerLockService Locks { get; } = locks;
    public ServerResizeService Resizes { get; } = resizes;
    public ServerRebuildService Rebuilds { get; } = rebuilds;
    public ServerSnapshotService Snapshots { get; } = snapshots;
    public ServerPasswordService Passwords { get; } = passwords;
    public CrashDumpService CrashDumps { get; } = crashDumps;
    public ServerConsole Console { get; } = console;

    /// <summary>The caller, read when first asked: a handler that checks its body first answers 400 before 401 as it always did.</summary>
    public ServerCaller Caller => _caller ??= ServerCaller.From(Http.Caller());

    /// <summary>The request's id, user and project, which the core records with each instance action.</summary>
    public OperationContext Operation => new(Http.TraceIdentifier, Caller.UserId, Caller.ProjectId);

    public ApiVersion Version => Http.ComputeVersion();

    /// <summary>The request links and Location headers are built from.</summary>
    public HttpRequest Request => Http.Request;

    public CancellationToken Aborted => Http.RequestAborted;
}
