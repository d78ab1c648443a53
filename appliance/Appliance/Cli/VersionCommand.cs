using System.CommandLine;
using System.Reflection;
using Appliance.Web.Microversions;

namespace Appliance.Cli;

/// <summary><c>appliance version</c>: the build and the API versions it serves.</summary>
public static class VersionCommand
{
    public static Command Create()
    {
        var command = new Command("version", "Print the appliance version and the compute API microversions it serves");
        command.SetAction(_ =>
        {
            Console.WriteLine($"appliance {BuildVersion()}");
            Console.WriteLine($"compute API v2.1, microversions {ComputeMicroversions.Minimum} to {ComputeMicroversions.Maximum}");
            return 0;
        });
        return command;
    }

    public static string BuildVersion() =>
        typeof(VersionCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? "unknown";
}
