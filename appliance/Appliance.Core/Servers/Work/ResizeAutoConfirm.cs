using Appliance.Core.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Appliance.Core.Servers;

/// <summary>
/// Nova's _poll_unconfirmed_resizes: a server left in VERIFY_RESIZE longer than ResizeConfirmWindow is confirmed as if
/// its owner had asked. The window counts from resized_at in the database, so a restart neither forgets nor restarts it.
/// </summary>
public sealed class ResizeAutoConfirm(ServerRepository servers, ServerResizeService resizes, ApplianceOptions options, ILogger<ResizeAutoConfirm> logger)
    : BackgroundService
{
    /// <summary>Nova's periodic tasks act as an admin of no project; the instance action shows no user or project.</summary>
    private static readonly ServerCaller System = new("", "", IsAdmin: true, CanWriteOwnProject: true);

    /// <summary>How often expired windows are looked for: half the window, between 100 ms and a minute.</summary>
    public static TimeSpan PollInterval(TimeSpan window) =>
        TimeSpan.FromTicks(Math.Clamp(window.Ticks / 2, TimeSpan.FromMilliseconds(100).Ticks, TimeSpan.FromMinutes(1).Ticks));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var window = options.Servers.ResizeConfirmWindow;
        if (window <= TimeSpan.Zero)
        {
            return;
        }

        try
        {
            using var timer = new PeriodicTimer(PollInterval(window));
            do
            {
                await ConfirmExpiredAsync(window, stoppingToken);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Confirms every resize whose window has passed; returns how many.</summary>
    public async Task<int> ConfirmExpiredAsync(TimeSpan window, CancellationToken cancellationToken)
    {
        var confirmed = 0;
        foreach (var uuid in await servers.UnconfirmedResizesAsync(Timestamps.Stored(DateTimeOffset.UtcNow - window), cancellationToken))
        {
            try
            {
                await resizes.ConfirmAsync(System, new OperationContext($"req-{Guid.NewGuid()}", "", ""), uuid, cancellationToken);
                confirmed++;
                logger.LogInformation("Server {Uuid}: resize confirmed automatically after {Window}", uuid, window);
            }
            catch (RequestRefusedException e)
            {
                // Confirmed, reverted or deleted meanwhile by its owner: nothing left to do.
                logger.LogInformation("Server {Uuid}: automatic resize confirm skipped: {Message}", uuid, e.Message);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                logger.LogWarning(e, "Server {Uuid}: automatic resize confirm failed", uuid);
            }
        }

        return confirmed;
    }
}
