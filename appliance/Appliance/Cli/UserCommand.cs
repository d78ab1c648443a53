using System.CommandLine;
using Appliance.Core.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Appliance.Cli;

/// <summary>
/// <c>appliance user create NAME --project P --role R</c> (prints the generated password), <c>appliance user list</c>, and
/// <c>appliance user unlock NAME</c> (ends a lockout after failed logins).
/// </summary>
public static class UserCommand
{
    public static Command Create()
    {
        var dataDir = DataDirCore.DataDirOption();
        var name = new Argument<string>("name") { Description = "The new user's name" };
        var project = new Option<string>("--project") { Description = "Project (name or id) the user gets a role on", Required = true };
        var role = new Option<string>("--role") { Description = "Role on that project: admin, member or reader", DefaultValueFactory = _ => BuiltInRoles.Member };
        var create = new Command("create", "Create a user with a role on a project; prints the generated password") { name, project, role, dataDir };
        create.SetAction((parse, cancellationToken) =>
            CreateAsync(parse.GetValue(dataDir), parse.GetValue(name)!, parse.GetValue(project)!, parse.GetValue(role)!, cancellationToken));

        var listDataDir = DataDirCore.DataDirOption();
        var list = new Command("list", "List users") { listDataDir };
        list.SetAction((parse, cancellationToken) => ListAsync(parse.GetValue(listDataDir), cancellationToken));
        var unlockDataDir = DataDirCore.DataDirOption();
        var unlockName = new Argument<string>("name") { Description = "The locked user's name (or id), in the Default domain" };
        var unlock = new Command("unlock", "Unlock a user that failed logins locked out") { unlockName, unlockDataDir };
        unlock.SetAction((parse, cancellationToken) => UnlockAsync(parse.GetValue(unlockDataDir), parse.GetValue(unlockName)!, cancellationToken));
        return new Command("user", "Manage users") { create, list, unlock };
    }

    private static async Task<int> UnlockAsync(string? dataDir, string name, CancellationToken cancellationToken)
    {
        await using var services = await DataDirCore.OpenAsync(dataDir, cancellationToken);
        if (services is null)
        {
            return 2;
        }

        return await IdentityCommandErrors.RunAsync(async () =>
        {
            var user = await services.GetRequiredService<UserService>().FindAsync(name, cancellationToken)
                ?? throw new IdentityNotFoundException("user", name);
            await services.GetRequiredService<AccountLockout>().UnlockAsync(user.Id, cancellationToken);
            Console.WriteLine($"Unlocked user {user.Name} ({user.Id})");
        });
    }

    private static async Task<int> CreateAsync(string? dataDir, string name, string projectName, string roleName, CancellationToken cancellationToken)
    {
        await using var services = await DataDirCore.OpenAsync(dataDir, cancellationToken);
        if (services is null)
        {
            return 2;
        }

        return await IdentityCommandErrors.RunAsync(async () =>
        {
            var project = await services.GetRequiredService<ProjectService>().FindAsync(projectName, cancellationToken)
                ?? throw new IdentityNotFoundException("project", projectName);
            var role = await services.GetRequiredService<RoleService>().FindAsync(roleName, cancellationToken)
                ?? throw new IdentityNotFoundException("role", roleName);
            var password = TokenSecret.NewPassword();
            var user = await services.GetRequiredService<UserService>().CreateAsync(
                new UserService.NewUser(name, password, DefaultProjectId: project.Id), cancellationToken);
            await services.GetRequiredService<AssignmentService>().GrantAsync(project.Id, user.Id, role.Id, cancellationToken);
            Console.WriteLine($"Created user {user.Name} ({user.Id}) with role {role.Name} on project {project.Name}");
            Console.WriteLine($"Password: {password}");
        });
    }

    private static async Task<int> ListAsync(string? dataDir, CancellationToken cancellationToken)
    {
        await using var services = await DataDirCore.OpenAsync(dataDir, cancellationToken);
        if (services is null)
        {
            return 2;
        }

        var users = await services.GetRequiredService<UserService>().ListAsync(new UserService.Filter(), cancellationToken);
        var rows = users.Select(user => new[] { user.Id, user.Name, user.DomainId, user.DefaultProjectId ?? "-", user.Enabled ? "yes" : "no" }).ToList();
        string[] header = ["ID", "Name", "Domain", "Default project", "Enabled"];
        var widths = header.Select((title, column) => rows.Select(row => row[column].Length).Append(title.Length).Max()).ToArray();
        foreach (var row in rows.Prepend(header))
        {
            Console.WriteLine(string.Join("  ", row.Select((cell, column) => cell.PadRight(widths[column]))).TrimEnd());
        }

        return 0;
    }
}
