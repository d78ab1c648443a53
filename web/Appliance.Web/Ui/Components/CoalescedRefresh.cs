namespace Appliance.Web.Ui.Components;

/// <summary>
/// Turns a burst of change notices into one reload on the component's dispatcher: a build moves a server
/// through several states in a second, and the page needs to read the store once, not once per state.
/// </summary>
public sealed class CoalescedRefresh(Func<Func<Task>, Task> invokeAsync, Func<Task> refresh)
{
    private int _queued;

    /// <summary>Safe from any thread; returns at once.</summary>
    public void Request()
    {
        if (Interlocked.Exchange(ref _queued, 1) == 0)
        {
            _ = invokeAsync(async () =>
            {
                Interlocked.Exchange(ref _queued, 0);
                await refresh();
            });
        }
    }
}
