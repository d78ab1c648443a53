using System.CommandLine;
using Appliance.Core.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Appliance.Cli;

/// <summary><c>appliance project create NAME</c>: a project in the Default domain, made on the data dir.</summary>
public static class ProjectCommand
{
    public static Command Create()
    {
        var dataDir = DataDirCore.DataDirOption();
        var name = new Argument<string>("name") { Description = "The new project's name" };
        var create = new Command("create", "Create a project") { name, dataDir };
        create.SetAction((parse, cancellationToken) => CreateAsync(parse.GetValue(dataDir), parse.GetValue(name)!, cancellationToken));
        return new Command("project", "Manage projects") { create };
    }

    private static async Task<int> CreateAsync(string? dataDir, string name, CancellationToken cancellationToken)
    {
        await using var services = await DataDirCore.OpenAsync(dataDir, cancellationToken);
        if (services is null)
        {
            return 2;
        }

        return await IdentityCommandErrors.RunAsync(async () =>
        {
            var project = await services.GetRequiredService<ProjectService>().CreateAsync(new ProjectService.NewProject(name), cancellationToken);
            Console.WriteLine($"Created project {project.Name} ({project.Id})");
        });
    }
}
