using Appliance.Core;

namespace Appliance.Cli;

/// <summary>Identity errors on the command line: one line on stderr and exit code 1, never a stack trace.</summary>
public static class IdentityCommandErrors
{
    public static async Task<int> RunAsync(Func<Task> work)
    {
        try
        {
            await work();
            return 0;
        }
        catch (RequestRefusedException e)
        {
            await Console.Error.WriteLineAsync($"appliance: {e.Message}");
            return 1;
        }
    }
}
