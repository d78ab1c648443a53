using System.CommandLine;
using Appliance.Cli;

var root = new RootCommand("appliance: a single-node OpenStack-compatible micro-cloud")
{
    ServeCommand.Create(),
    CheckCommand.Create(),
    VersionCommand.Create(),
    ProjectCommand.Create(),
    UserCommand.Create(),
    NetworkCommand.Create(),
    ImageCommand.Create(),
};
return await root.Parse(args).InvokeAsync();

/// <summary>Named so test hosts can find this assembly.</summary>
public partial class Program;
