using System.Net;
using System.Text;
using System.Text.Json;
using Xunit.Abstractions;

namespace Appliance.Tests.Security;

/// <summary>
/// Secrets at rest and in logs: after every flow that handles one (logins good and bad, users with passwords,
/// servers with a given and a generated adminPass, changePassword, generated key pairs, token checks and
/// revocation), no log line holds a secret, and every file under the data dir either holds none or is one of
/// the known holders and readable by its owner only. The database holds password and token hashes: owner-only too.
/// </summary>
[Trait("Tier", "security")]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class SecretsAtRestTests(TwoProjectAppliance appliance, ITestOutputHelper output) : IClassFixture<TwoProjectAppliance>
{
    private const UnixFileMode GroupOrOther =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>Files that hold a secret on purpose, by path relative to the data dir (instance dirs as *): each must be 0600.</summary>
    private static readonly Dictionary<string, string> KnownHolders = new()
    {
        ["admin-openrc"] = "the first admin's password, for `source admin-openrc`",
        ["instances/*/disk.config"] = "the config drive: adminPass and user data for cloud-init (libvirt hands it to QEMU's user while the guest runs)",
        ["appliance.db"] = "password hashes (PBKDF2) and token hashes (SHA-256): no secret itself, but owner-only so nobody can grind the hashes",
        ["appliance.db-wal"] = "the database's write-ahead log: the same rows",
        ["appliance.db-shm"] = "the database's shared memory index",
    };

    [Fact]
    public async Task AfterEveryFlowThatHandlesASecret_NoLogLineHoldsOne_AndEveryFileHoldingOneIsOwnerOnly()
    {
        var logsFrom = appliance.Factory.Logs.Entries.Count;
        await ExerciseSecretFlowsAsync();
        await appliance.Runner.WhenIdleAsync();

        var findings = appliance.Leaks.ScanLogs(appliance.Factory.Logs, logsFrom);
        var table = new StringBuilder("Secrets at rest\n");
        table.AppendLine($"{"file",-48} {"mode",5} {"secrets",8}  verdict");
        var checkedFiles = 0;
        foreach (var file in Directory.EnumerateFiles(appliance.Factory.DataDir, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var relative = Path.GetRelativePath(appliance.Factory.DataDir, file);
            var holder = KnownHolders.Keys.FirstOrDefault(pattern => Matches(pattern, relative));
            var mode = File.GetUnixFileMode(file);
            var secrets = new FileInfo(file).Length > 256 * 1024 * 1024 ? [] : SecretsIn(file);
            var verdict = "ok";
            if (secrets.Count > 0 && holder is null)
            {
                verdict = $"holds {string.Join(", ", secrets)} but is no known holder";
            }
            else if (holder is not null && (mode & GroupOrOther) != 0)
            {
                verdict = $"holder of secrets readable beyond its owner ({Octal(mode)})";
            }

            checkedFiles++;
            if (holder is not null || secrets.Count > 0 || verdict != "ok")
            {
                var shown = System.Text.RegularExpressions.Regex.Replace(relative, "[0-9a-f]{8}-[0-9a-f-]{27}", "<uuid>");
                table.AppendLine($"{LeakScanner.Shorten(shown, 48),-48} {Octal(mode),5} {secrets.Count,8}  {verdict}");
            }

            if (verdict != "ok")
            {
                findings.Add($"{relative}: {verdict}");
            }
        }

        table.AppendLine($"{checkedFiles} files checked, {appliance.Leaks.SecretCount} secrets looked for, {findings.Count} violations");
        output.WriteLine(table.ToString());
        SecurityReport.Append(table.ToString());
        Assert.True(findings.Count == 0, string.Join("\n", findings.Distinct()));
        Assert.Contains("admin-openrc", table.ToString(), StringComparison.Ordinal);
        Assert.Contains("disk.config", table.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Database_IsOwnerOnly_EvenWhereAnOlderVersionLeftItWorldReadable(bool olderFileExists)
    {
        using var dataDir = new Hosting.TempDataDir();
        var path = Path.Combine(dataDir.Path, "appliance.db");
        if (olderFileExists)
        {
            File.WriteAllBytes(path, []);
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        }

        var database = new Appliance.Core.Store.Database(path);
        await new Appliance.Core.Store.Migrator(database, Microsoft.Extensions.Logging.Abstractions.NullLogger<Appliance.Core.Store.Migrator>.Instance).MigrateAsync();
        await using (var connection = await database.OpenAsync())
        {
            await Dapper.SqlMapper.ExecuteAsync(connection, "CREATE TABLE probe (x INTEGER); INSERT INTO probe VALUES (1);");
        }

        foreach (var file in new[] { path, path + "-wal", path + "-shm" }.Where(File.Exists))
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    private async Task ExerciseSecretFlowsAsync()
    {
        var a = appliance.A;
        // A server with a given adminPass, and one with a generated one; both go into config drives.
        var given = "Given-Pass-" + Guid.NewGuid().ToString("N")[..12];
        appliance.Leaks.Add("adminPass", given);
        foreach (var extra in new[] { $", \"adminPass\": \"{given}\"", "" })
        {
            var (status, body) = await appliance.SendAsync(HttpMethod.Post, "/v2.1/servers", a.Token,
                "{\"server\": {\"name\": \"secret-vm\", \"imageRef\": \"" + appliance.PublicImageId + "\", \"flavorRef\": \"42\", \"user_data\": \"c2VjcmV0\", \"config_drive\": true" + extra + "}}");
            Assert.True(status == HttpStatusCode.Accepted, body);
            appliance.Leaks.Add("adminPass", JsonDocument.Parse(body).RootElement.GetProperty("server").GetProperty("adminPass").GetString());
        }

        await appliance.Runner.WhenIdleAsync();
        var changed = "Changed-Pass-" + Guid.NewGuid().ToString("N")[..12];
        appliance.Leaks.Add("adminPass", changed);
        await appliance.SendAsync(HttpMethod.Post, $"/v2.1/servers/{a.ServerId}/action", a.Token, $$$$"""{"changePassword": {"adminPass": "{{{{changed}}}}"}}""");

        // Users: created with a password, changed, a failed login with a wrong one, a good login, token checks and revocation.
        var password = "User-Pass-" + Guid.NewGuid().ToString("N")[..12];
        var wrong = "Wrong-Pass-" + Guid.NewGuid().ToString("N")[..12];
        var newPassword = "New-Pass-" + Guid.NewGuid().ToString("N")[..12];
        foreach (var secret in new[] { password, wrong, newPassword })
        {
            appliance.Leaks.Add("password", secret);
        }

        var (created, user) = await appliance.SendAsync(HttpMethod.Post, "/identity/v3/users", appliance.AdminToken,
            $$$$"""{"user": {"name": "secret-user-{{{{Guid.NewGuid():N}}}}", "password": "{{{{password}}}}", "default_project_id": "{{{{a.ProjectId}}}}"}}""");
        Assert.Equal(HttpStatusCode.Created, created);
        var userElement = JsonDocument.Parse(user).RootElement.GetProperty("user");
        var (userId, userName) = (userElement.GetProperty("id").GetString()!, userElement.GetProperty("name").GetString()!);
        await appliance.SendAsync(HttpMethod.Patch, $"/identity/v3/users/{userId}", appliance.AdminToken, $$$$"""{"user": {"password": "{{{{newPassword}}}}"}}""");
        await Identity.IdentityClient.PostTokenAsync(appliance.Client, Identity.IdentityClient.PasswordAuthBody(userName, wrong, null));
        await Identity.IdentityClient.PostTokenAsync(appliance.Client, Identity.IdentityClient.PasswordAuthBody("admin", wrong, "admin"));
        var token = await Identity.IdentityClient.LoginAsync(appliance.Client, userName, newPassword, project: null);
        appliance.Leaks.Add("token", token);
        await appliance.Client.SendAsync(Identity.IdentityClient.WithToken(HttpMethod.Get, "/identity/v3/auth/tokens", appliance.AdminToken).WithSubjectToken(token));
        await appliance.Client.SendAsync(Identity.IdentityClient.WithToken(HttpMethod.Delete, "/identity/v3/auth/tokens", appliance.AdminToken).WithSubjectToken(token));
        await appliance.Client.SendAsync(Identity.IdentityClient.WithToken(HttpMethod.Get, "/v2.1/servers", token));

        // A generated key pair: the private key goes to the caller once and nowhere else.
        var (keypair, keyBody) = await appliance.SendAsync(HttpMethod.Post, "/v2.1/os-keypairs", a.Token, $$$$"""{"keypair": {"name": "secret-key-{{{{Guid.NewGuid():N}}}}"}}""");
        Assert.Equal(HttpStatusCode.OK, keypair);
        appliance.Leaks.AddPrivateKey(JsonDocument.Parse(keyBody).RootElement.GetProperty("keypair").GetProperty("private_key").GetString());
    }

    /// <summary>Which kinds of secret the file's bytes contain, read as text (the config drive's ISO holds them as plain bytes).</summary>
    private List<string> SecretsIn(string file)
    {
        string text;
        try
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream, Encoding.Latin1);
            text = reader.ReadToEnd();
        }
        catch (IOException)
        {
            return [];
        }

        return appliance.Leaks.Scan(file, text, allowStackTraces: true, allowTypeNames: true)
            .Where(finding => !finding.StartsWith("data dir path", StringComparison.Ordinal))
            .Select(finding => finding[..finding.IndexOf(" in ", StringComparison.Ordinal)]).Distinct().ToList();
    }

    private static bool Matches(string pattern, string relative)
    {
        var parts = pattern.Split('/');
        var actual = relative.Split(Path.DirectorySeparatorChar);
        return parts.Length == actual.Length && parts.Zip(actual).All(pair => pair.First == "*" || pair.First == pair.Second);
    }

    private static string Octal(UnixFileMode mode) => Convert.ToString((int)mode, 8).PadLeft(4, '0');
}
