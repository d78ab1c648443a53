using Appliance.Core.Identity;
using Appliance.Core.Store;
using Appliance.Tests.Hosting;
using Dapper;
using Microsoft.Extensions.DependencyInjection;

namespace Appliance.Tests.Identity;

/// <summary>First start's admin and its admin-openrc, and what the store keeps of secrets.</summary>
public sealed class BootstrapTests
{
    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void FirstStart_WritesAdminOpenRc_Mode0600_WithEveryVariable()
    {
        using var factory = new ApplianceFactory();
        factory.CreateClient();

        var path = Path.Combine(factory.DataDir, "admin-openrc");
        var values = IdentityClient.ReadOpenRc(factory.DataDir);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(
            ["OS_AUTH_URL", "OS_IDENTITY_API_VERSION", "OS_PASSWORD", "OS_PROJECT_DOMAIN_NAME", "OS_PROJECT_NAME", "OS_USERNAME", "OS_USER_DOMAIN_NAME"],
            values.Keys.Order().ToArray());
        Assert.Equal("http://127.0.0.1:0/identity", values["OS_AUTH_URL"]);
        Assert.Equal("admin", values["OS_USERNAME"]);
        Assert.Equal("admin", values["OS_PROJECT_NAME"]);
        Assert.Equal("Default", values["OS_USER_DOMAIN_NAME"]);
        Assert.Equal("Default", values["OS_PROJECT_DOMAIN_NAME"]);
        Assert.Equal("3", values["OS_IDENTITY_API_VERSION"]);
        Assert.Matches("^[A-Za-z0-9_-]{24}$", values["OS_PASSWORD"]);
        Assert.Contains(factory.Logs.Entries, entry => entry.Message.Contains(path, StringComparison.Ordinal));
        Assert.DoesNotContain(factory.Logs.Entries, entry => entry.Message.Contains(values["OS_PASSWORD"], StringComparison.Ordinal));
    }

    [Fact]
    public void SecondStart_KeepsTheAdminAndItsFile()
    {
        using var dir = new TempDataDir();
        string firstPassword;
        using (var first = new ApplianceFactory(dir.Path))
        {
            first.CreateClient();
            firstPassword = IdentityClient.AdminPassword(dir.Path);
        }

        using var second = new ApplianceFactory(dir.Path);
        second.CreateClient();

        Assert.Equal(firstPassword, IdentityClient.AdminPassword(dir.Path));
        Assert.DoesNotContain(second.Logs.Entries, entry => entry.Category.EndsWith(nameof(IdentityBootstrap), StringComparison.Ordinal));
    }

    [Fact]
    public async Task Store_KeepsOnlyHashes_OfPasswordsAndTokens()
    {
        using var factory = new ApplianceFactory();
        var client = factory.CreateClient();
        var password = IdentityClient.AdminPassword(factory.DataDir);
        var token = await IdentityClient.AdminTokenAsync(client, factory.DataDir);

        await using var connection = await factory.Services.GetRequiredService<Database>().OpenAsync();
        var passwordHash = await connection.ExecuteScalarAsync<string>("SELECT password_hash FROM users WHERE name = 'admin'");
        var tokenHashes = (await connection.QueryAsync<string>("SELECT hash FROM tokens")).ToList();

        Assert.StartsWith($"pbkdf2-sha512${PasswordHasher.Iterations}$", passwordHash);
        Assert.DoesNotContain(password, passwordHash);
        Assert.Contains(TokenSecret.HashOf(token), tokenHashes);
        Assert.DoesNotContain(token, tokenHashes);
    }
}
