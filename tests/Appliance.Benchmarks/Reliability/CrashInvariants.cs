using System.Net;
using System.Text.Json;

namespace Appliance.Benchmarks.Reliability;

/// <summary>Counts every invariant checked and keeps each violation with what was seen.</summary>
public sealed class InvariantReport
{
    private readonly Lock _gate = new();
    private readonly List<string> _violations = [];
    private long _checked;

    public long Checked => Interlocked.Read(ref _checked);

    public IReadOnlyList<string> Violations
    {
        get
        {
            lock (_gate)
            {
                return _violations.ToList();
            }
        }
    }

    /// <summary>Forgets the violations found after the first <paramref name="count"/>: their round was disturbed from outside.</summary>
    public void KeepFirst(int count)
    {
        lock (_gate)
        {
            _violations.RemoveRange(count, _violations.Count - count);
        }
    }

    public void Check(bool holds, string invariant, Func<string> detail)
    {
        Interlocked.Increment(ref _checked);
        if (!holds)
        {
            var violation = $"{invariant}: {detail()}";
            lock (_gate)
            {
                // Seen again at a later restart, it is still one violation.
                if (!_violations.Contains(violation))
                {
                    _violations.Add(violation);
                }
            }
        }
    }
}

/// <summary>
/// What must hold after a kill and a restart, each checked against the ledger of acknowledged changes, the API, the SQLite
/// file, the data dir and the host's domains:
/// the file is whole; no server stays in a task state; every acknowledged change is there; no domain, instance dir or
/// volume lacks an owner; no resting server lacks its disks, or has a guest in another state than its own (an ACTIVE server's
/// runs, a PAUSED one's is paused, a SHUTOFF or SUSPENDED one's is shut off); quota usage equals the rows.
/// </summary>
public sealed class CrashInvariants(ComputeApi api, string adminToken, string dataDir, InvariantReport report)
{
    public const string Integrity = "integrity_check";
    public const string Settled = "no task state 60 s after restart";
    public const string Acknowledged = "acknowledged change present";
    public const string DomainOwned = "no domain without a server row";
    public const string GuestMatches = "vm_state matches the guest";
    public const string FilesOwned = "no instance dir or volume without an owner";
    public const string DisksKept = "no resting server without its disks";
    public const string QuotaUsage = "quota usage equals the rows";
    public const string AddressesOwned = "no address held twice or by a port of a gone server";

    public static readonly TimeSpan SettleWithin = TimeSpan.FromSeconds(60);

    private string DatabasePath => Path.Combine(dataDir, "appliance.db");

    /// <summary>On the file as the kill left it, before the next start touches it.</summary>
    public static void CheckIntegrity(string dataDir, InvariantReport report)
    {
        var result = StoredRows.IntegrityCheck(Path.Combine(dataDir, "appliance.db"));
        report.Check(result == "ok", Integrity, () => result);
    }

    /// <summary>Every check that needs the restarted appliance; the workload must be stopped.</summary>
    public async Task CheckAfterRestartAsync(AcknowledgedChanges ledger, IReadOnlyList<ProjectAccess> projects, HostDomains? domains)
    {
        await CheckSettledAsync();
        await CheckAcknowledgedAsync(ledger);
        var rows = StoredRows.Read(DatabasePath);
        if (domains is not null)
        {
            CheckDomains(domains, rows);
        }

        CheckFiles(rows);
        CheckAddresses(rows);
        await CheckQuotasAsync(projects, rows);
    }

    /// <summary>Every fixed address is held once, by a port of a live server (the restart released what a crash left bound).</summary>
    public void CheckAddresses(StoredRows rows)
    {
        var live = rows.Live.Select(server => server.Uuid).ToHashSet(StringComparer.Ordinal);
        var twice = rows.Addresses.GroupBy(a => a.IpAddress).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        report.Check(twice.Count == 0, AddressesOwned, () => $"held twice: {string.Join(", ", twice)}");
        var orphans = rows.Addresses.Where(a => a.DeviceId.Length > 0 && !live.Contains(a.DeviceId)).ToList();
        report.Check(orphans.Count == 0, AddressesOwned, () => $"held for gone servers: {string.Join(", ", orphans.Select(a => $"{a.IpAddress} ({a.DeviceId})"))}");
    }

    /// <summary>Polls the server list until no server has a task state or shows BUILD, for at most SettleWithin.</summary>
    public async Task CheckSettledAsync()
    {
        var deadline = DateTime.UtcNow + SettleWithin;
        List<JsonElement> busy;
        while (true)
        {
            busy = (await api.AllServersAsync(adminToken))
                .Where(s => s.GetProperty("OS-EXT-STS:task_state").GetString() is not null || s.GetProperty("status").GetString() == "BUILD")
                .ToList();
            if (busy.Count == 0 || DateTime.UtcNow > deadline)
            {
                break;
            }

            await Task.Delay(500);
        }

        report.Check(busy.Count == 0, Settled, () => string.Join(", ", busy.Select(s =>
            $"{s.GetProperty("id")} {s.GetProperty("status")}/{s.GetProperty("OS-EXT-STS:task_state")}")));
    }

    public async Task CheckAcknowledgedAsync(AcknowledgedChanges ledger)
    {
        foreach (var tracked in ledger.Servers)
        {
            var answer = await api.SendAsync(HttpMethod.Get, $"/v2.1/servers/{tracked.Id}", adminToken);
            switch (tracked.Delete)
            {
                case DeleteState.Acknowledged:
                    report.Check(answer.Status == HttpStatusCode.NotFound, Acknowledged,
                        () => $"server {tracked.Id} was deleted (204) but answers {(int)answer.Status} {Status(answer)}");
                    continue;
                case DeleteState.None:
                    report.Check(answer.Status == HttpStatusCode.OK, Acknowledged, () => $"server {tracked.Id} was created (202) but answers {(int)answer.Status}");
                    break;
                case DeleteState.Unanswered:
                    report.Check(answer.Status is HttpStatusCode.OK or HttpStatusCode.NotFound, Acknowledged,
                        () => $"server {tracked.Id} (delete unanswered) answers {(int)answer.Status}");
                    break;
            }

            if (answer.Status != HttpStatusCode.OK)
            {
                continue;
            }

            var server = answer.Body.GetProperty("server");
            var name = server.GetProperty("name").GetString()!;
            report.Check(tracked.Name.Permits(name), Acknowledged, () => $"server {tracked.Id} is named {name}, expected {tracked.Name}");
            var locked = server.GetProperty("locked").GetBoolean();
            report.Check(tracked.Locked.Permits(locked), Acknowledged, () => $"server {tracked.Id} has locked={locked}, expected {tracked.Locked}");
            var metadata = server.GetProperty("metadata").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString(), StringComparer.Ordinal);
            foreach (var key in tracked.Metadata.Keys.Union(metadata.Keys))
            {
                var value = metadata.GetValueOrDefault(key);
                var allowed = tracked.Metadata.GetValueOrDefault(key) ?? new Allowed<string?>(null);
                report.Check(allowed.Permits(value), Acknowledged,
                    () => $"server {tracked.Id} metadata {key}={value ?? "(absent)"}, expected {allowed}");
            }

            if (tracked.ActionRequestIds.Count > 0)
            {
                var actions = await api.ExpectAsync(HttpMethod.Get, $"/v2.1/servers/{tracked.Id}/os-instance-actions", adminToken, null, HttpStatusCode.OK);
                var recorded = actions.GetProperty("instanceActions").EnumerateArray()
                    .Select(a => a.GetProperty("request_id").GetString()).ToHashSet(StringComparer.Ordinal);
                foreach (var requestId in tracked.ActionRequestIds)
                {
                    report.Check(recorded.Contains(requestId), Acknowledged, () => $"server {tracked.Id} has no instance action for acknowledged {requestId}");
                }
            }
        }
    }

    /// <summary>
    /// Every domain of the run belongs to a live server; every resting server's guest is in its state. A domain of the run is one
    /// named for a server of its database: a domain for which no row was ever committed cannot be made (the row comes first).
    /// </summary>
    public void CheckDomains(HostDomains domains, StoredRows rows)
    {
        var guests = domains.Ours(rows).ToDictionary(g => g.Uuid.ToString());
        var live = rows.Live.ToDictionary(s => s.Uuid, StringComparer.OrdinalIgnoreCase);
        foreach (var (uuid, guest) in guests)
        {
            report.Check(live.ContainsKey(uuid), DomainOwned, () => $"domain {guest.Name} ({guest.PowerState}) belongs to a deleted server");
        }

        foreach (var server in live.Values)
        {
            var expected = server.VmState switch
            {
                "active" => Appliance.Hypervisor.PowerState.Running,
                "paused" => Appliance.Hypervisor.PowerState.Paused,
                "stopped" or "suspended" => Appliance.Hypervisor.PowerState.Shutdown,
                _ => (Appliance.Hypervisor.PowerState?)null,
            };
            if (expected is not null)
            {
                var state = guests.GetValueOrDefault(server.Uuid)?.PowerState.ToString() ?? "no domain";
                report.Check(state == expected.ToString(), GuestMatches, () => $"server {server.Uuid} is {server.VmState}, its guest: {state}");
            }
        }
    }

    /// <summary>Instance dirs and volume files have an owner; resting servers still have their disks.</summary>
    public void CheckFiles(StoredRows rows)
    {
        var live = rows.Live.ToDictionary(s => s.Uuid, StringComparer.OrdinalIgnoreCase);
        var instances = Path.Combine(dataDir, "instances");
        var dirs = Directory.Exists(instances) ? Directory.GetDirectories(instances).Select(Path.GetFileName).OfType<string>().ToList() : [];
        foreach (var dir in dirs.Where(d => Guid.TryParse(d, out _)))
        {
            report.Check(live.ContainsKey(dir), FilesOwned, () => $"instances/{dir} belongs to no live server" +
                (rows.Servers.Any(s => s.Uuid == dir) ? " (its server is deleted)" : ""));
        }

        var volumesDir = Path.Combine(dataDir, "volumes");
        var volumeFiles = Directory.Exists(volumesDir) ? Directory.GetFiles(volumesDir).Select(Path.GetFileName).OfType<string>().ToList() : [];
        foreach (var file in volumeFiles)
        {
            // A volume without delete_on_termination outlives its server on purpose: the user's data is never deleted silently.
            var owned = rows.Volumes.Any(v => v.VolumeId == file && (live.ContainsKey(v.ServerUuid) || !v.DeleteOnTermination));
            report.Check(owned, FilesOwned, () => $"volumes/{file} belongs to no live server");
        }

        foreach (var server in live.Values.Where(s => s.Launched && s.VmState is "active" or "stopped" or "paused" or "suspended"))
        {
            var dir = Path.Combine(instances, server.Uuid);
            var rootKept = server.ImageRef.Length == 0 ? Directory.Exists(dir) : File.Exists(Path.Combine(dir, "disk"));
            report.Check(rootKept, DisksKept, () => $"server {server.Uuid} ({server.VmState}) has lost {(server.ImageRef.Length == 0 ? "its instance dir" : "its root disk")}");
            foreach (var volume in rows.Volumes.Where(v => v.ServerUuid == server.Uuid))
            {
                report.Check(volumeFiles.Contains(volume.VolumeId), DisksKept, () => $"server {server.Uuid} ({server.VmState}) has lost volume {volume.VolumeId}");
            }
        }
    }

    /// <summary>os-quota-sets/{project}/detail's in_use against the rows counted in the file.</summary>
    public async Task CheckQuotasAsync(IReadOnlyList<ProjectAccess> projects, StoredRows rows)
    {
        foreach (var project in projects)
        {
            var detail = (await api.ExpectAsync(HttpMethod.Get, $"/v2.1/os-quota-sets/{project.Id}/detail", adminToken, null, HttpStatusCode.OK))
                .GetProperty("quota_set");
            var mine = rows.Live.Where(s => s.ProjectId == project.Id).ToList();
            foreach (var (resource, counted) in new[] { ("instances", mine.Count), ("cores", mine.Sum(s => s.Vcpus)), ("ram", mine.Sum(s => s.MemoryMb)) })
            {
                var inUse = detail.GetProperty(resource).GetProperty("in_use").GetInt32();
                report.Check(inUse == counted, QuotaUsage, () => $"project {project.Id} {resource} in_use {inUse}, rows say {counted}");
            }
        }
    }

    private static string Status(ApiAnswer answer) =>
        answer.Body.ValueKind == JsonValueKind.Object && answer.Body.TryGetProperty("server", out var server)
            ? $"{server.GetProperty("status")}/{server.GetProperty("OS-EXT-STS:task_state")}" +
              (server.TryGetProperty("fault", out var fault) ? $" fault {fault}" : "")
            : "";
}
