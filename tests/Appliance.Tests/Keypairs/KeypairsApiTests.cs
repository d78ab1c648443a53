using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Appliance.Tests.Hosting;
using Appliance.Tests.Identity;
using Appliance.Tests.Images;

namespace Appliance.Tests.Keypairs;

/// <summary>/os-keypairs against Nova's samples, with OpenSSH's own ssh-keygen as the judge of keys and fingerprints.</summary>
public sealed class KeypairsApiTests : IAsyncLifetime
{
    private readonly ImageApiSession _session = new();

    public Task InitializeAsync() => _session.InitializeAsync();

    public Task DisposeAsync() => _session.DisposeAsync();

    private async Task<(HttpStatusCode Status, JsonElement Body)> Send(HttpMethod method, string path, string? json = null, string? token = null)
    {
        var response = await _session.Send(method, path, token, json is null ? null : ImageApiSession.Json(json));
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    /// <summary>ssh-keygen's answer for a key file: its MD5 fingerprint ("MD5:aa:bb:...").</summary>
    private static string SshKeygenMd5(string keyText)
    {
        var path = Path.Combine(Path.GetTempPath(), $"appliance-test-{Guid.NewGuid():N}.key");
        File.WriteAllText(path, keyText);
        if (OperatingSystem.IsLinux())
        {
            // ssh-keygen will not read a private key others could read.
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        try
        {
            using var process = Process.Start(new ProcessStartInfo("ssh-keygen", ["-l", "-E", "md5", "-f", path]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            var output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, $"ssh-keygen refused the key: {process.StandardError.ReadToEnd()}");
            return output.Split(' ')[1];
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Generate_ReturnsAWorkingPrivateKeyOnce_AndItsFingerprint()
    {
        var (status, body) = await Send(HttpMethod.Post, "/v2.1/os-keypairs", """{"keypair": {"name": "k1"}}""");

        Assert.Equal(HttpStatusCode.OK, status);
        var keypair = body.GetProperty("keypair");
        var privateKey = keypair.GetProperty("private_key").GetString()!;
        var publicKey = keypair.GetProperty("public_key").GetString()!;
        Assert.StartsWith("-----BEGIN RSA PRIVATE KEY-----", privateKey);
        Assert.StartsWith("ssh-rsa ", publicKey);
        Assert.Equal("MD5:" + keypair.GetProperty("fingerprint").GetString(), SshKeygenMd5(privateKey));
        Assert.Equal("MD5:" + keypair.GetProperty("fingerprint").GetString(), SshKeygenMd5(publicKey));
        Assert.Equal(["fingerprint", "name", "private_key", "public_key", "user_id"], keypair.EnumerateObject().Select(p => p.Name).Order());

        var (_, shown) = await Send(HttpMethod.Get, "/v2.1/os-keypairs/k1");
        Assert.False(shown.GetProperty("keypair").TryGetProperty("private_key", out _));
    }

    [Fact]
    public async Task Import_ListShowDelete()
    {
        const string publicKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOfz3mJXQz4Qy5yU+YwV1kQY2K9nQ4Jb0Ewq7f6Lr1dR test@appliance";
        var fingerprint = SshKeygenMd5(publicKey)["MD5:".Length..];

        var (status, created) = await Send(HttpMethod.Post, "/v2.1/os-keypairs", $$$"""{"keypair": {"name": "imported", "public_key": "{{{publicKey}}}"}}""");

        Assert.Equal(HttpStatusCode.OK, status);
        var userId = created.GetProperty("keypair").GetProperty("user_id").GetString();
        JsonAssert.Equal($$$"""{"keypair": {"fingerprint": "{{{fingerprint}}}", "name": "imported", "public_key": "{{{publicKey}}}", "user_id": "{{{userId}}}"}}""", created.GetRawText());

        var (_, list) = await Send(HttpMethod.Get, "/v2.1/os-keypairs");
        JsonAssert.Equal($$$"""{"keypairs": [{"keypair": {"fingerprint": "{{{fingerprint}}}", "name": "imported", "public_key": "{{{publicKey}}}"}}]}""", list.GetRawText());

        var (showStatus, shown) = await Send(HttpMethod.Get, "/v2.1/os-keypairs/imported");
        Assert.Equal(HttpStatusCode.OK, showStatus);
        var keypair = shown.GetProperty("keypair");
        Assert.Equal((false, JsonValueKind.Null, JsonValueKind.Null), (keypair.GetProperty("deleted").GetBoolean(), keypair.GetProperty("deleted_at").ValueKind, keypair.GetProperty("updated_at").ValueKind));
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$", keypair.GetProperty("created_at").GetString());
        Assert.Equal(JsonValueKind.Number, keypair.GetProperty("id").ValueKind);

        Assert.Equal(HttpStatusCode.Accepted, (await Send(HttpMethod.Delete, "/v2.1/os-keypairs/imported")).Status);
        var (goneStatus, gone) = await Send(HttpMethod.Get, "/v2.1/os-keypairs/imported");
        Assert.Equal(HttpStatusCode.NotFound, goneStatus);
        JsonAssert.Equal($$$"""{"itemNotFound": {"code": 404, "message": "Keypair imported not found for user {{{userId}}}"}}""", gone.GetRawText());
    }

    [Theory]
    [InlineData("""{"keypair": {"name": "bad", "public_key": "not a key"}}""", "Keypair data is invalid: failed to generate fingerprint")]
    [InlineData("""{"keypair": {"name": "bad", "public_key": "ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAIOfz3mJXQz4Qy5yU+YwV1kQY2K9nQ4Jb0Ewq7f6Lr1dR"}}""", "Keypair data is invalid: failed to generate fingerprint")]
    [InlineData("""{"keypair": {"name": "a/b"}}""", "Invalid input for field/attribute name. Value must be 1 to 255 of the characters a-z A-Z 0-9 _ - and space.")]
    [InlineData("""{"keypair": {"name": ""}}""", "Invalid input for field/attribute name. Value must be 1 to 255 of the characters a-z A-Z 0-9 _ - and space.")]
    [InlineData("""{"keypair": {}}""", "'name' is a required property")]
    [InlineData("""{"keypair": {"name": "x", "type": "ssh"}}""", "Additional properties are not allowed ('type' was unexpected)")]
    public async Task BadCreate_Is400(string json, string message)
    {
        var (status, body) = await Send(HttpMethod.Post, "/v2.1/os-keypairs", json);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        JsonAssert.Equal($$$"""{"badRequest": {"code": 400, "message": {{{JsonSerializer.Serialize(message)}}}}}""", body.GetRawText());
    }

    [Fact]
    public async Task DuplicateName_Is409()
    {
        await Send(HttpMethod.Post, "/v2.1/os-keypairs", """{"keypair": {"name": "dup"}}""");

        var (status, body) = await Send(HttpMethod.Post, "/v2.1/os-keypairs", """{"keypair": {"name": "dup"}}""");

        Assert.Equal(HttpStatusCode.Conflict, status);
        JsonAssert.Equal("""{"conflictingRequest": {"code": 409, "message": "Key pair 'dup' already exists."}}""", body.GetRawText());
    }

    [Fact]
    public async Task KeyPairsAreTheUsers_OthersSeeNone()
    {
        await Send(HttpMethod.Post, "/v2.1/os-keypairs", """{"keypair": {"name": "mine"}}""");
        var member = await IdentityClient.CreateMemberAsync(_session.Client, _session.AdminToken, "tenant", "dave");
        var token = await IdentityClient.LoginAsync(_session.Client, member.UserName, member.Password, "tenant");

        var (_, list) = await Send(HttpMethod.Get, "/v2.1/os-keypairs", token: token);
        Assert.Equal(0, list.GetProperty("keypairs").GetArrayLength());
        Assert.Equal(HttpStatusCode.NotFound, (await Send(HttpMethod.Get, "/v2.1/os-keypairs/mine", token: token)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Send(HttpMethod.Delete, "/v2.1/os-keypairs/mine", token: token)).Status);
    }

    [Fact]
    public async Task MoreThanTheQuota_Is403_AndParallelCreatesCannotPassIt()
    {
        const string publicKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOfz3mJXQz4Qy5yU+YwV1kQY2K9nQ4Jb0Ewq7f6Lr1dR";
        var creates = Enumerable.Range(0, 110).Select(i =>
            Send(HttpMethod.Post, "/v2.1/os-keypairs", $$$"""{"keypair": {"name": "k{{{i}}}", "public_key": "{{{publicKey}}}"}}"""));
        var results = await Task.WhenAll(creates);

        Assert.Equal(100, results.Count(r => r.Status == HttpStatusCode.OK));
        var refused = results.Where(r => r.Status != HttpStatusCode.OK).ToList();
        Assert.Equal(10, refused.Count);
        Assert.All(refused, r => JsonAssert.Equal("""{"forbidden": {"code": 403, "message": "Quota exceeded, too many key pairs."}}""", r.Body.GetRawText()));
    }
}
