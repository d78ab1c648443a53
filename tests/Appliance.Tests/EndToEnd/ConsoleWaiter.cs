using System.Diagnostics;
using Appliance.Hypervisor.Driver;

namespace Appliance.Tests.EndToEnd;

/// <summary>Waits for a guest to say something on its serial console, as a user of os-getConsoleOutput would.</summary>
internal static class ConsoleWaiter
{
    public static readonly TimeSpan BootTimeout = TimeSpan.FromSeconds(120);

    /// <summary>Returns the console text once it satisfies the condition; fails with the text seen so far otherwise.</summary>
    public static async Task<string> WaitForAsync(IComputeDriver driver, Guid uuid, Func<string, bool> condition, string what)
    {
        var watch = Stopwatch.StartNew();
        var text = "";
        while (watch.Elapsed < BootTimeout)
        {
            text = await driver.GetConsoleOutputAsync(uuid);
            if (condition(text))
            {
                return text;
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"no {what} after {BootTimeout.TotalSeconds} s; console:\n{text}");
    }

    /// <summary>The test guest's first line at every boot; the console log keeps earlier boots (it is appended to).</summary>
    public const string BootMarker = "guest: booted";

    /// <summary>Waits until the guest's <paramref name="boot"/>th boot reaches the ready marker; returns what that boot wrote.</summary>
    public static async Task<string> WaitForBootAsync(IComputeDriver driver, Guid uuid, int boot) =>
        LastBoot(await WaitForAsync(driver, uuid, text => Count(text, BootMarker) == boot && LastBoot(text).Contains(TestGuest.ReadyMarker, StringComparison.Ordinal),
            $"boot {boot} to the ready marker"));

    public static string LastBoot(string text) => text[Math.Max(0, text.LastIndexOf(BootMarker, StringComparison.Ordinal))..];

    public static int Count(string text, string marker) => text.Split(marker).Length - 1;
}
