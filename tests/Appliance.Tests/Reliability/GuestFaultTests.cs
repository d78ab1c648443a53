using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Appliance.Benchmarks;
using Appliance.Benchmarks.Reliability;
using Appliance.Tests.EndToEnd;
using Appliance.Tests.Hypervisor;
using Appliance.Tests.Identity;
using Xunit.Abstractions;

namespace Appliance.Tests.Reliability;

/// <summary>
/// Faults on the guest's side, on real libvirtd and QEMU with the test guest: a guest destroyed behind the appliance's back
/// shows SHUTOFF by libvirt's lifecycle event, and a libvirtd restart is survived: operations tried while it is away fail
/// cleanly, then the appliance reconnects by itself, reads every guest again, and lifecycle events arrive again. The periodic
/// power sync is kept out of the way (PowerSyncTests covers it), so each SHUTOFF can only have come by the path under test:
/// the tests wait for it and print how long it took, and no time bound of a busy machine decides them. In the libvirt
/// collection: nothing else uses libvirtd while it restarts.
/// </summary>
[Trait("Tier", "e2e")]
[Collection(LibvirtCollection.Name)]
public sealed class GuestFaultTests(ITestOutputHelper output)
{
    private const string LibvirtdPidFile = "/run/libvirtd.pid";

    /// <summary>Longer than any run: the periodic power sync never ticks, so it cannot be what tells the appliance.</summary>
    private static readonly TimeSpan NoPeriodicSync = TimeSpan.FromHours(1);

    private static readonly TimeSpan LibvirtdWithin = TimeSpan.FromSeconds(60);

    [SkippableFact]
    public async Task GuestDestroyedBehindTheAppliance_ShowsShutoffByItsLifecycleEvent()
    {
        await using var session = await GuestSession.StartAsync(output);
        var id = await session.CreateActiveServerAsync("destroyed");

        var shutoff = await session.DestroyAndTimeShutoffAsync(id, "libvirt's lifecycle event did not tell the appliance");

        output.WriteLine($"virsh destroy -> SHUTOFF in the API: {shutoff.TotalMilliseconds:F0} ms (by the event; no periodic sync)");
        await session.DeleteAsync(id);
    }

    [SkippableFact]
    public async Task LibvirtdRestart_IsSurvived_ReconnectsByItself_AndLifecycleEventsArriveAgain()
    {
        Skip.IfNot(Environment.IsPrivilegedProcess, "restarting libvirtd needs root");
        Skip.If(Directory.Exists("/run/systemd/system"), "systemd manages libvirtd here; this test restarts only a `libvirtd -d` as CI starts it");
        Skip.IfNot(File.Exists(LibvirtdPidFile), $"libvirtd was not started with `libvirtd -d` ({LibvirtdPidFile} is missing)");
        await using var session = await GuestSession.StartAsync(output);
        var id = await session.CreateActiveServerAsync("survivor");
        try
        {
            await StopLibvirtdAsync();
            Assert.Equal(HttpStatusCode.ServiceUnavailable, await session.HealthAsync());

            // An action while libvirt is away fails as an action: 202, then the task is cleared and the action marked Error.
            await session.ExpectAsync(HttpMethod.Post, $"/v2.1/servers/{id}/action", """{"os-stop": null}""", HttpStatusCode.Accepted);
            var settled = await session.WaitForAsync(id, s => s.GetProperty("OS-EXT-STS:task_state").ValueKind == JsonValueKind.Null, "its task cleared");
            Assert.Equal("ACTIVE", settled.GetProperty("status").GetString());
            var actions = await session.ExpectAsync(HttpMethod.Get, $"/v2.1/servers/{id}/os-instance-actions", null, HttpStatusCode.OK);
            var stop = actions.GetProperty("instanceActions").EnumerateArray().First(a => a.GetProperty("action").GetString() == "stop");
            var stopDetail = await session.ExpectAsync(HttpMethod.Get, $"/v2.1/servers/{id}/os-instance-actions/{stop.GetProperty("request_id").GetString()}",
                null, HttpStatusCode.OK);
            Assert.Equal("Error", stopDetail.GetProperty("instanceAction").GetProperty("events")[0].GetProperty("result").GetString());

            var answering = await StartLibvirtdAsync();
            // Straight away, before anything asks the appliance to touch libvirt: its own watch must reconnect and resubscribe.
            var shutoff = await session.DestroyAndTimeShutoffAsync(id, "neither an event nor the reconnect's sync told the appliance");
            var seen = DateTime.UtcNow;
            var healthy = await session.WaitForHealthAsync();
            output.WriteLine($"after libvirtd answered: virsh destroy -> SHUTOFF in the API {shutoff.TotalMilliseconds:F0} ms, " +
                $"{(seen - answering).TotalMilliseconds:F0} ms from libvirtd answering (virsh included); /healthz 200 by then ({(healthy - answering).TotalMilliseconds:F0} ms)");

            await session.ExpectAsync(HttpMethod.Post, $"/v2.1/servers/{id}/action", """{"os-start": null}""", HttpStatusCode.Accepted);
            await session.WaitForAsync(id, s => s.GetProperty("status").GetString() == "ACTIVE", "ACTIVE again");
            var again = await session.DestroyAndTimeShutoffAsync(id, "lifecycle events did not arrive again after the reconnect");
            output.WriteLine($"after the restart, virsh destroy -> SHUTOFF: {again.TotalMilliseconds:F0} ms");
        }
        finally
        {
            await EnsureLibvirtdAsync();
        }

        await session.DeleteAsync(id);
    }

    /// <summary>SIGTERM to the PID libvirtd wrote, then waits until it has exited. Guests (QEMU processes) keep running.</summary>
    private async Task StopLibvirtdAsync()
    {
        var pid = int.Parse((await File.ReadAllTextAsync(LibvirtdPidFile)).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        var (exit, _, error) = await RunAsync("kill", "-TERM", pid.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(exit == 0, $"kill -TERM {pid}: {error}");
        var deadline = DateTime.UtcNow + LibvirtdWithin;
        while (Directory.Exists($"/proc/{pid}") && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.False(Directory.Exists($"/proc/{pid}"), $"libvirtd {pid} did not exit within {LibvirtdWithin}");
        output.WriteLine($"libvirtd {pid} stopped");
    }

    /// <summary>`libvirtd -d`, then waits until qemu:///system answers; returns when it did.</summary>
    private async Task<DateTime> StartLibvirtdAsync()
    {
        var (exit, _, error) = await RunAsync("libvirtd", "-d");
        Assert.True(exit == 0, $"libvirtd -d: {error}");
        var deadline = DateTime.UtcNow + LibvirtdWithin;
        while (DateTime.UtcNow < deadline)
        {
            if ((await RunAsync("virsh", "-c", LibvirtAvailability.SystemUri, "version")).ExitCode == 0)
            {
                output.WriteLine("libvirtd answers again");
                return DateTime.UtcNow;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"libvirtd did not answer within {LibvirtdWithin}");
    }

    /// <summary>Whatever happened, libvirtd runs again afterwards: the tests after this one need it.</summary>
    private async Task EnsureLibvirtdAsync()
    {
        if ((await RunAsync("virsh", "-c", LibvirtAvailability.SystemUri, "version")).ExitCode != 0)
        {
            await StartLibvirtdAsync();
        }
    }

    internal static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string file, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>The real appliance on qemu:///system with the test guest's disk as a public image and no periodic power sync.</summary>
    private sealed class GuestSession : IAsyncDisposable
    {
        private readonly QemuAppliance _e2e;
        private readonly HttpClient _client;
        private readonly ComputeApi _api;
        private readonly string _token;
        private readonly string _imageId;

        private GuestSession(QemuAppliance e2e, HttpClient client, string token, string imageId)
        {
            (_e2e, _client, _token, _imageId) = (e2e, client, token, imageId);
            _api = new ComputeApi(client);
        }

        public static async Task<GuestSession> StartAsync(ITestOutputHelper output)
        {
            var e2e = await QemuEndToEnd.ServeAsync(withCli: false,
                ApplianceLauncher.FromEnvironment().WithSetting("Servers:PowerSyncInterval", NoPeriodicSync.ToString()));
            var appliance = e2e.Appliance;
            var client = new HttpClient { BaseAddress = new Uri(appliance.BaseUrl) };
            var token = await IdentityClient.AdminTokenAsync(client, e2e.DataDir);
            var image = await IdentityClient.SendJsonAsync(client, IdentityClient.WithToken(HttpMethod.Post, "/image/v2/images", token,
                """{"name": "test-guest", "disk_format": "qcow2", "container_format": "bare"}"""), HttpStatusCode.Created);
            var imageId = image.GetProperty("id").GetString()!;
            var upload = IdentityClient.WithToken(HttpMethod.Put, $"/image/v2/images/{imageId}/file", token);
            upload.Content = new ByteArrayContent(await File.ReadAllBytesAsync(e2e.Guest.Disk));
            upload.Content.Headers.ContentType = new("application/octet-stream");
            Assert.Equal(HttpStatusCode.NoContent, (await client.SendAsync(upload)).StatusCode);
            output.WriteLine($"appliance on {appliance.BaseUrl}, periodic power sync every {NoPeriodicSync.TotalHours:F0} h (never during the test)");
            return new GuestSession(e2e, client, token, imageId);
        }

        public async Task<string> CreateActiveServerAsync(string name)
        {
            var created = await ExpectAsync(HttpMethod.Post, "/v2.1/servers",
                $$$"""{"server": {"name": "{{{name}}}", "imageRef": "{{{_imageId}}}", "flavorRef": "42", "networks": "none"}}""", HttpStatusCode.Accepted);
            var id = created.GetProperty("server").GetProperty("id").GetString()!;
            await WaitForAsync(id, s => s.GetProperty("status").GetString() == "ACTIVE", "ACTIVE", TimeSpan.FromMinutes(3));
            return id;
        }

        /// <summary>`virsh destroy` of the server's guest, then the time until GET shows SHUTOFF; <paramref name="unless"/> says what failed if it never does.</summary>
        public async Task<TimeSpan> DestroyAndTimeShutoffAsync(string id, string unless)
        {
            var (exit, _, error) = await RunAsync("virsh", "-c", LibvirtAvailability.SystemUri, "destroy", $"instance-{id}");
            Assert.True(exit == 0, $"virsh destroy: {error}");
            var watch = Stopwatch.StartNew();
            await WaitForAsync(id, s => s.GetProperty("status").GetString() == "SHUTOFF", $"SHUTOFF ({unless})", TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(20));
            return watch.Elapsed;
        }

        public async Task<HttpStatusCode> HealthAsync() => (await _client.GetAsync("/healthz")).StatusCode;

        public async Task<DateTime> WaitForHealthAsync()
        {
            var deadline = DateTime.UtcNow + LibvirtdWithin;
            while (await HealthAsync() != HttpStatusCode.OK)
            {
                Assert.True(DateTime.UtcNow < deadline, $"/healthz not 200 within {LibvirtdWithin}");
                await Task.Delay(50);
            }

            return DateTime.UtcNow;
        }

        public async Task DeleteAsync(string id)
        {
            await ExpectAsync(HttpMethod.Delete, $"/v2.1/servers/{id}", null, HttpStatusCode.NoContent);
            var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
            while ((await _api.SendAsync(HttpMethod.Get, $"/v2.1/servers/{id}", _token)).Status != HttpStatusCode.NotFound)
            {
                Assert.True(DateTime.UtcNow < deadline, $"server {id} not deleted within 2 minutes");
                await Task.Delay(200);
            }
        }

        public Task<JsonElement> ExpectAsync(HttpMethod method, string path, string? json, HttpStatusCode expected) =>
            _api.ExpectAsync(method, path, _token, json, expected);

        public async Task<JsonElement> WaitForAsync(string id, Func<JsonElement, bool> reached, string what, TimeSpan? within = null, TimeSpan? every = null)
        {
            var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(60));
            while (true)
            {
                var server = (await ExpectAsync(HttpMethod.Get, $"/v2.1/servers/{id}", null, HttpStatusCode.OK)).GetProperty("server");
                if (reached(server))
                {
                    return server;
                }

                Assert.True(DateTime.UtcNow < deadline, $"server {id} not {what}: {server}");
                await Task.Delay(every ?? TimeSpan.FromMilliseconds(200));
            }
        }

        public async ValueTask DisposeAsync()
        {
            _client.Dispose();
            await _e2e.DisposeAsync();
        }
    }
}
