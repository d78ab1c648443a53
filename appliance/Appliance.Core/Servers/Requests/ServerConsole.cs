using System.Text.RegularExpressions;
using Appliance.Hypervisor.Driver;

namespace Appliance.Core.Servers;

/// <summary>os-getConsoleOutput: the tail of the guest's serial log, as Nova's compute API answers it.</summary>
public sealed partial class ServerConsole(ServerService servers, IComputeDriver driver)
{
    public const string Rule = "os_compute_api:os-console-output";

    /// <summary>The last <paramref name="lines"/> lines (all of them when null); a log not written yet is empty.</summary>
    public async Task<string> OutputAsync(ServerCaller caller, string uuid, int? lines, CancellationToken cancellationToken = default)
    {
        var server = await servers.GetAsync(caller, uuid, cancellationToken);
        caller.RequireWrite(server, Rule);
        // Nova answers "not ready" while no host holds the instance; here that is until the build has defined the guest.
        if (server.VmState == VmStates.Building)
        {
            throw new ConflictException($"Instance {server.Uuid} is not ready");
        }

        try
        {
            var output = lines == 0 ? "" : await driver.GetConsoleOutputAsync(server.Id, lines, cancellationToken);
            return ControlCharacters().Replace(output, "");
        }
        catch (InstanceNotFoundException)
        {
            throw new ServerNotFoundException(server.Uuid);
        }
    }

    // Nova drops these from the output (carriage returns too); only tab and newline stay.
    [GeneratedRegex(@"[\x00-\x08\x0B-\x1F]")]
    private static partial Regex ControlCharacters();
}
