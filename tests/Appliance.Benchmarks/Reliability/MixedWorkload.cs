using System.Diagnostics;
using System.Net;
using System.Text.Json;

namespace Appliance.Benchmarks.Reliability;

/// <summary>What the workload may touch: projects (each with a member's token), the image to boot, the flavor and the one to resize to.</summary>
public sealed record WorkloadTargets(IReadOnlyList<ProjectAccess> Projects, string ImageId, string FlavorRef = "42", string LargerFlavorRef = "1");

/// <summary>
/// A mixed create / show / list / action (power, snapshot, rebuild, resize) / metadata / rename / lock / delete workload. Each worker owns a few servers and is
/// the only client that changes them, so it knows what it was told: it reads a server before changing it and picks a
/// change that server's state allows, and every acknowledged change goes into the ledger (when there is one). A request
/// cut off by a kill is recorded as unanswered, never as a failure.
/// </summary>
public sealed class MixedWorkload(WorkloadTargets targets, AcknowledgedChanges? ledger, WorkloadStats stats, int seed, int serversPerWorker = 3)
{
    private static readonly TimeSpan PauseAfterUnanswered = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan PauseWhileBusy = TimeSpan.FromMilliseconds(20);
    private readonly Dictionary<int, Worker> _workers = [];
    private long _sequence; // numbers names and values, so each one sent is unique

    /// <summary>Share of steps that boot from a volume (a copy of the image in DATA_DIR/volumes) instead of an image overlay.</summary>
    public double BootFromVolumeShare { get; init; } = 0.2;

    /// <summary>
    /// A server seen in ERROR counts as a failure: right for a load with no kills (a build or an action that failed on its
    /// own), wrong for the crash harness, whose restarts fail interrupted builds on purpose.
    /// </summary>
    public bool ErrorIsFailure { get; init; }

    /// <summary>Share of steps that only read (a list or a show), as dashboards and CLIs do between changes.</summary>
    public double ReadShare { get; init; } = 0.2;

    /// <summary>Runs <paramref name="concurrency"/> workers against the API until <paramref name="stop"/>; workers keep their servers between runs.</summary>
    public Task RunAsync(ComputeApi api, int concurrency, CancellationToken stop)
    {
        for (var i = 0; i < concurrency; i++)
        {
            if (!_workers.ContainsKey(i))
            {
                _workers[i] = new Worker(i, new Random(HashCode.Combine(seed, i)));
            }
        }

        return Task.WhenAll(Enumerable.Range(0, concurrency).Select(i => Task.Run(() => LoopAsync(api, _workers[i], stop), CancellationToken.None)));
    }

    private async Task LoopAsync(ComputeApi api, Worker worker, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            if (!await StepAsync(api, worker))
            {
                await Task.Delay(PauseAfterUnanswered, CancellationToken.None);
            }
        }
    }

    /// <summary>One step; false when a request went unanswered (the appliance is down).</summary>
    private async Task<bool> StepAsync(ComputeApi api, Worker worker)
    {
        var random = worker.Random;
        if (worker.Owned.Count < serversPerWorker && (worker.Owned.Count == 0 || random.NextDouble() < 0.3))
        {
            return await CreateAsync(api, worker);
        }

        if (random.NextDouble() < ReadShare)
        {
            var token = targets.Projects[worker.Index % targets.Projects.Count].Token;
            return await CallAsync(api, "list", HttpMethod.Get, "/v2.1/servers/detail?limit=50", token, null, [HttpStatusCode.OK]) is not null;
        }

        var server = worker.Owned[random.Next(worker.Owned.Count)];
        var projectToken = targets.Projects[server.Project].Token;
        var shown = await CallAsync(api, "show", HttpMethod.Get, $"/v2.1/servers/{server.Id}", projectToken, null,
            server.Delete == DeleteState.Unanswered ? [HttpStatusCode.OK, HttpStatusCode.NotFound] : [HttpStatusCode.OK]);
        if (shown is null)
        {
            return false;
        }

        if (shown.Status != HttpStatusCode.OK)
        {
            worker.Owned.Remove(server); // deleted by a delete that was never answered, or lost (already counted as unexpected)
            return true;
        }

        var body = shown.Body.GetProperty("server");
        var status = body.GetProperty("status").GetString()!;
        var task = body.GetProperty("OS-EXT-STS:task_state").GetString();
        if (status == "ERROR" && ErrorIsFailure && server.LastStatus != "ERROR")
        {
            stats.Failed($"server {server.Id} went ERROR: {(body.TryGetProperty("fault", out var fault) ? fault.ToString() : "no fault")}");
        }

        server.LastStatus = status;
        if (task is not null || status == "BUILD")
        {
            await Task.Delay(PauseWhileBusy, CancellationToken.None);
            return true;
        }

        if (body.GetProperty("locked").GetBoolean())
        {
            return await ActionAsync(api, server, "unlock", """{"unlock": null}""", recordAction: false);
        }

        var roll = random.NextDouble();
        server.Flavor = body.GetProperty("flavor").GetProperty("original_name").GetString()!;
        // Metadata changes only where Nova allows them: a server that came up and rests (not in VERIFY_RESIZE, not ERROR).
        var resting = status is "ACTIVE" or "SHUTOFF" or "PAUSED" or "SUSPENDED";
        return status switch
        {
            "ERROR" => await DeleteAsync(api, worker, server),
            _ when roll < 0.10 => await DeleteAsync(api, worker, server),
            _ when roll < 0.30 && resting => await SetMetadataAsync(api, worker, server),
            _ when roll < 0.35 && resting => await DeleteMetadataAsync(api, worker, server),
            _ when roll < 0.40 => await RenameAsync(api, worker, server),
            _ when roll < 0.43 => await LockAsync(api, server),
            _ => await PowerActionAsync(api, worker, server, status),
        };
    }

    private async Task<bool> CreateAsync(ComputeApi api, Worker worker)
    {
        var project = worker.Index % targets.Projects.Count;
        var number = Interlocked.Increment(ref _sequence);
        var name = $"rel-{worker.Index}-{number}";
        var metadata = new Dictionary<string, string> { ["born"] = $"{number}" };
        var fromVolume = worker.Random.NextDouble() < BootFromVolumeShare;
        var boot = fromVolume
            ? $"\"block_device_mapping_v2\": [{{\"boot_index\": 0, \"uuid\": \"{targets.ImageId}\", \"source_type\": \"image\", " +
              "\"destination_type\": \"volume\", \"volume_size\": 1, \"delete_on_termination\": true}]"
            : $"\"imageRef\": \"{targets.ImageId}\"";
        var json = $"{{\"server\": {{\"name\": \"{name}\", {boot}, \"flavorRef\": \"{targets.FlavorRef}\", \"networks\": \"none\", " +
            $"\"metadata\": {{\"born\": \"{number}\"}}}}}}";
        var answer = await CallAsync(api, "create", HttpMethod.Post, "/v2.1/servers", targets.Projects[project].Token, json, [HttpStatusCode.Accepted]);
        if (answer is null)
        {
            ledger?.CreateUnanswered();
            return false;
        }

        if (answer.Status == HttpStatusCode.Accepted)
        {
            var server = new TrackedServer(answer.Body.GetProperty("server").GetProperty("id").GetString()!, project, name, metadata);
            ledger?.Created(server);
            worker.Owned.Add(server);
        }

        return true;
    }

    private async Task<bool> DeleteAsync(ComputeApi api, Worker worker, TrackedServer server)
    {
        var answer = await CallAsync(api, "delete", HttpMethod.Delete, $"/v2.1/servers/{server.Id}", targets.Projects[server.Project].Token, null,
            [HttpStatusCode.NoContent]);
        worker.Owned.Remove(server);
        if (answer is null)
        {
            server.Delete = DeleteState.Unanswered;
            return false;
        }

        server.Delete = answer.Status == HttpStatusCode.NoContent ? DeleteState.Acknowledged : server.Delete;
        return true;
    }

    private async Task<bool> SetMetadataAsync(ComputeApi api, Worker worker, TrackedServer server)
    {
        var key = $"k{worker.Random.Next(4)}";
        var value = $"v{Interlocked.Increment(ref _sequence)}";
        var answer = await CallAsync(api, "metadata-set", HttpMethod.Put, $"/v2.1/servers/{server.Id}/metadata/{key}", targets.Projects[server.Project].Token,
            $$$"""{"meta": {"{{{key}}}": "{{{value}}}"}}""", [HttpStatusCode.OK]);
        return Note(answer, server.MetadataKey(key), value);
    }

    private async Task<bool> DeleteMetadataAsync(ComputeApi api, Worker worker, TrackedServer server)
    {
        var present = server.Metadata.Where(pair => pair.Value.Values.Count == 1 && pair.Value.Values.First() is not null).Select(pair => pair.Key).ToList();
        if (present.Count == 0)
        {
            return await SetMetadataAsync(api, worker, server);
        }

        var key = present[worker.Random.Next(present.Count)];
        var answer = await CallAsync(api, "metadata-delete", HttpMethod.Delete, $"/v2.1/servers/{server.Id}/metadata/{key}", targets.Projects[server.Project].Token,
            null, [HttpStatusCode.NoContent]);
        return Note(answer, server.MetadataKey(key), null);
    }

    private async Task<bool> RenameAsync(ComputeApi api, Worker worker, TrackedServer server)
    {
        var name = $"rel-{worker.Index}-renamed-{Interlocked.Increment(ref _sequence)}";
        var answer = await CallAsync(api, "rename", HttpMethod.Put, $"/v2.1/servers/{server.Id}", targets.Projects[server.Project].Token,
            $$$"""{"server": {"name": "{{{name}}}"}}""", [HttpStatusCode.OK]);
        return Note(answer, server.Name, name);
    }

    private async Task<bool> LockAsync(ComputeApi api, TrackedServer server)
    {
        var answer = await CallAsync(api, "lock", HttpMethod.Post, $"/v2.1/servers/{server.Id}/action", targets.Projects[server.Project].Token,
            """{"lock": null}""", [HttpStatusCode.Accepted]);
        return Note(answer, server.Locked, true);
    }

    private async Task<bool> PowerActionAsync(ComputeApi api, Worker worker, TrackedServer server, string status)
    {
        string[] choices = status switch
        {
            "ACTIVE" => ["os-stop", "pause", "suspend", "reboot-soft", "reboot-hard", "createImage", "rebuild", "resize"],
            "SHUTOFF" => ["os-start", "os-start", "reboot-hard", "rebuild", "resize"],
            "PAUSED" => ["unpause"],
            "SUSPENDED" => ["resume"],
            "VERIFY_RESIZE" => ["confirmResize", "revertResize"],
            _ => [],
        };
        if (choices.Length == 0)
        {
            return true;
        }

        var action = choices[worker.Random.Next(choices.Length)];
        // A snapshot copies the root disk: keep it rarer than the cheap power actions.
        if (action == "createImage" && worker.Random.NextDouble() < 0.7)
        {
            action = "os-stop";
        }

        var json = action switch
        {
            "reboot-soft" => """{"reboot": {"type": "SOFT"}}""",
            "reboot-hard" => """{"reboot": {"type": "HARD"}}""",
            "createImage" => $$$"""{"createImage": {"name": "snap-{{{server.Id[..8]}}}"}}""",
            "rebuild" => $$$"""{"rebuild": {"imageRef": "{{{targets.ImageId}}}"}}""",
            // Between the workload's flavor and the next size up, so a resize always changes something.
            "resize" => $$$"""{"resize": {"flavorRef": "{{{(server.Flavor == "m1.nano" ? targets.LargerFlavorRef : targets.FlavorRef)}}}"}}""",
            _ => $$$"""{"{{{action}}}": null}""",
        };
        return await ActionAsync(api, server, action, json, recordAction: true,
            action == "confirmResize" ? HttpStatusCode.NoContent : HttpStatusCode.Accepted);
    }

    private async Task<bool> ActionAsync(ComputeApi api, TrackedServer server, string kind, string json, bool recordAction,
        HttpStatusCode expected = HttpStatusCode.Accepted)
    {
        var answer = await CallAsync(api, kind, HttpMethod.Post, $"/v2.1/servers/{server.Id}/action", targets.Projects[server.Project].Token, json,
            [expected]);
        if (answer is null)
        {
            if (kind == "unlock")
            {
                server.Locked.Unanswered(false);
            }

            return false;
        }

        if (answer.Status == expected)
        {
            if (kind == "unlock")
            {
                server.Locked.Acknowledge(false);
            }

            if (recordAction && answer.RequestId is { } requestId)
            {
                server.ActionRequestIds.Add(requestId);
            }
        }

        return true;
    }

    /// <summary>Records what the client now knows of one field after a change to it was sent.</summary>
    private static bool Note<T>(ApiAnswer? answer, Allowed<T> field, T value)
    {
        if (answer is null)
        {
            field.Unanswered(value);
            return false;
        }

        if (answer.IsSuccess)
        {
            field.Acknowledge(value);
        }

        return true;
    }

    private async Task<ApiAnswer?> CallAsync(ComputeApi api, string kind, HttpMethod method, string path, string token, string? json, HttpStatusCode[] expected)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var answer = await api.SendAsync(method, path, token, json);
            stats.Answered(kind, Stopwatch.GetElapsedTime(started).TotalMilliseconds, answer.Status, expected.Contains(answer.Status),
                $"{method} {path} {json}", answer.Body.ValueKind == JsonValueKind.Undefined ? "" : answer.Body.ToString());
            return answer;
        }
        catch (Exception e) when (ComputeApi.IsUnanswered(e))
        {
            stats.NotAnswered();
            return null;
        }
    }

    private sealed class Worker(int index, Random random)
    {
        public int Index { get; } = index;

        public Random Random { get; } = random;

        public List<TrackedServer> Owned { get; } = [];
    }
}
