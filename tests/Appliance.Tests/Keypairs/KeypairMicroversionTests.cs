using System.Diagnostics;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Appliance.Tests.Hosting;
using Appliance.Tests.Identity;
using Appliance.Tests.Images;
using Appliance.Web.Microversions;

namespace Appliance.Tests.Keypairs;

/// <summary>/os-keypairs at 2.2 (type, 201/204, x509), 2.10 (admins act for other users) and 2.35 (paging).</summary>
public sealed class KeypairMicroversionTests : IAsyncLifetime
{
    private const string Ed25519 = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOfz3mJXQz4Qy5yU+YwV1kQY2K9nQ4Jb0Ewq7f6Lr1dR";
    private readonly ImageApiSession _session = new();

    public Task InitializeAsync() => _session.InitializeAsync();

    public Task DisposeAsync() => _session.DisposeAsync();

    private async Task<(HttpStatusCode Status, JsonElement Body)> Send(string version, HttpMethod method, string path, string? json = null, string? token = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = json is null ? null : ImageApiSession.Json(json) };
        request.Headers.Add("X-Auth-Token", token ?? _session.AdminToken);
        request.Headers.Add("OpenStack-API-Version", $"compute {version}");
        var response = await _session.Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    private Task<(HttpStatusCode Status, JsonElement Body)> Import(string version, string name, string? token = null, string extra = "") =>
        Send(version, HttpMethod.Post, "/v2.1/os-keypairs", $$$"""{"keypair": {"name": "{{{name}}}", "public_key": "{{{Ed25519}}}"{{{extra}}}}}""", token);

    private static string Openssl(string input, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo("openssl", arguments)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        process.StandardInput.Write(input);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, process.StandardError.ReadToEnd());
        return output;
    }

    private static void AssertFault(HttpStatusCode expected, string kind, string message, (HttpStatusCode Status, JsonElement Body) answer)
    {
        Assert.Equal(expected, answer.Status);
        JsonAssert.Equal($$$"""{"{{{kind}}}": {"code": {{{(int)expected}}}, "message": {{{JsonSerializer.Serialize(message)}}}}}""", answer.Body.GetRawText());
    }

    [SkippableFact]
    public async Task V22_Generate_Returns201WithType_ListAndShowCarryIt_DeleteReturns204()
    {
        AdvertisedMicroversion.Require(ComputeMicroversions.KeypairType);

        var (status, created) = await Send("2.2", HttpMethod.Post, "/v2.1/os-keypairs", """{"keypair": {"name": "k1", "type": "ssh"}}""");

        Assert.Equal(HttpStatusCode.Created, status);
        var keypair = created.GetProperty("keypair");
        Assert.Equal(["fingerprint", "name", "private_key", "public_key", "type", "user_id"], keypair.EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal("ssh", keypair.GetProperty("type").GetString());
        var (fingerprint, publicKey) = (keypair.GetProperty("fingerprint").GetString(), keypair.GetProperty("public_key").GetString());

        var (_, list) = await Send("2.2", HttpMethod.Get, "/v2.1/os-keypairs");
        JsonAssert.Equal(JsonSerializer.Serialize(new { keypairs = new[] { new { keypair = new { fingerprint, name = "k1", public_key = publicKey, type = "ssh" } } } }), list.GetRawText());

        var (_, shown) = await Send("2.2", HttpMethod.Get, "/v2.1/os-keypairs/k1");
        Assert.Equal(
            ["created_at", "deleted", "deleted_at", "fingerprint", "id", "name", "public_key", "type", "updated_at", "user_id"],
            shown.GetProperty("keypair").EnumerateObject().Select(p => p.Name).Order());

        var (deleted, body) = await Send("2.2", HttpMethod.Delete, "/v2.1/os-keypairs/k1");
        Assert.Equal((HttpStatusCode.NoContent, JsonValueKind.Undefined), (deleted, body.ValueKind));
    }

    [SkippableFact]
    public async Task V22_ImportedCertificate_IsX509_WithOpensslsSha1Fingerprint()
    {
        AdvertisedMicroversion.Require(ComputeMicroversions.KeypairType);
        var certificate = Openssl("", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "/dev/null", "-subj", "/CN=importer", "-days", "1");
        var expected = Openssl(certificate, "x509", "-noout", "-fingerprint", "-sha1").Trim().Split('=')[1].ToLowerInvariant();

        var (status, created) = await Send("2.2", HttpMethod.Post, "/v2.1/os-keypairs",
            JsonSerializer.Serialize(new { keypair = new { name = "cert", type = "x509", public_key = certificate } }));

        Assert.Equal(HttpStatusCode.Created, status);
        var userId = created.GetProperty("keypair").GetProperty("user_id").GetString();
        JsonAssert.Equal(JsonSerializer.Serialize(new { keypair = new { fingerprint = expected, name = "cert", public_key = certificate, type = "x509", user_id = userId } }),
            created.GetRawText());
        Assert.Equal("x509", (await Send("2.2", HttpMethod.Get, "/v2.1/os-keypairs/cert")).Body.GetProperty("keypair").GetProperty("type").GetString());
    }

    [SkippableFact]
    public async Task V22_GeneratedX509_IsAClientCertificateForTheUser_WithItsKeyInPkcs12()
    {
        AdvertisedMicroversion.Require(ComputeMicroversions.KeypairType);

        var (status, created) = await Send("2.2", HttpMethod.Post, "/v2.1/os-keypairs", """{"keypair": {"name": "winrm", "type": "x509"}}""");

        Assert.Equal(HttpStatusCode.Created, status);
        var keypair = created.GetProperty("keypair");
        var userId = keypair.GetProperty("user_id").GetString();
        using var withKey = X509CertificateLoader.LoadPkcs12(Convert.FromBase64String(keypair.GetProperty("private_key").GetString()!), "");
        Assert.True(withKey.HasPrivateKey);
        Assert.Equal($"CN={userId}", withKey.Subject);
        Assert.Equal(withKey.Thumbprint.ToLowerInvariant(), keypair.GetProperty("fingerprint").GetString()!.Replace(":", ""));
        var opensslFingerprint = Openssl(keypair.GetProperty("public_key").GetString()!, "x509", "-noout", "-fingerprint", "-sha1").Trim().Split('=')[1];
        Assert.Equal(opensslFingerprint.ToLowerInvariant(), keypair.GetProperty("fingerprint").GetString());
        Assert.Contains(withKey.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single().EnhancedKeyUsages.Cast<System.Security.Cryptography.Oid>(),
            usage => usage.Value == "1.3.6.1.5.5.7.3.2");
    }

    [SkippableTheory]
    [InlineData("""{"keypair": {"name": "x", "type": "rsa"}}""", "Invalid input for field/attribute type. Value: rsa. 'rsa' is not one of ['ssh', 'x509']")]
    [InlineData("""{"keypair": {"name": "x", "type": "x509", "public_key": "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"}}""",
        "Keypair data is invalid: failed to generate X509 fingerprint. Error message: no PEM certificate could be read")]
    [InlineData("""{"keypair": {"name": "x", "type": "x509", "public_key": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOfz3mJXQz4Qy5yU+YwV1kQY2K9nQ4Jb0Ewq7f6Lr1dR"}}""",
        "Keypair data is invalid: failed to generate X509 fingerprint. Error message: no PEM certificate could be read")]
    [InlineData("""{"keypair": {"name": "x", "user_id": "someone"}}""", "Additional properties are not allowed ('user_id' was unexpected)")]
    [InlineData("""{"keypair": {"name": "x", "type": null}}""", "Invalid input for field/attribute keypair.type.")]
    public async Task V22_BadCreate_Is400(string json, string message)
    {
        AdvertisedMicroversion.Require(ComputeMicroversions.KeypairType);

        AssertFault(HttpStatusCode.BadRequest, "badRequest", message, await Send("2.9", HttpMethod.Post, "/v2.1/os-keypairs", json));
    }

    [SkippableFact]
    public async Task V210_AdminActsForAnotherUser_WithUserIdInBodyAndQuery()
    {
        AdvertisedMicroversion.Require(ComputeMicroversions.KeypairUserId);
        var member = await IdentityClient.CreateMemberAsync(_session.Client, _session.AdminToken, "tenant", "erin");
        var memberToken = await IdentityClient.LoginAsync(_session.Client, member.UserName, member.Password, "tenant");

        var (status, created) = await Import("2.10", "for-erin", extra: $$$""", "type": "ssh", "user_id": "{{{member.UserId}}}" """);

        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal(member.UserId, created.GetProperty("keypair").GetProperty("user_id").GetString());
        var (_, theirs) = await Send("2.10", HttpMethod.Get, "/v2.1/os-keypairs", token: memberToken);
        Assert.Equal("for-erin", theirs.GetProperty("keypairs")[0].GetProperty("keypair").GetProperty("name").GetString());
        Assert.Equal(0, (await Send("2.10", HttpMethod.Get, "/v2.1/os-keypairs")).Body.GetProperty("keypairs").GetArrayLength());

        var (_, listed) = await Send("2.10", HttpMethod.Get, $"/v2.1/os-keypairs?user_id={member.UserId}");
        Assert.Equal("for-erin", listed.GetProperty("keypairs")[0].GetProperty("keypair").GetProperty("name").GetString());
        var (showStatus, shown) = await Send("2.10", HttpMethod.Get, $"/v2.1/os-keypairs/for-erin?user_id={member.UserId}");
        Assert.Equal((HttpStatusCode.OK, member.UserId), (showStatus, shown.GetProperty("keypair").GetProperty("user_id").GetString()));
        // Below 2.10 the query is ignored: the admin is looking at their own key pairs.
        AssertFault(HttpStatusCode.NotFound, "itemNotFound", $"Keypair for-erin not found for user {(await AdminUserId())}",
            await Send("2.9", HttpMethod.Get, $"/v2.1/os-keypairs/for-erin?user_id={member.UserId}"));
        Assert.Equal(HttpStatusCode.NoContent, (await Send("2.10", HttpMethod.Delete, $"/v2.1/os-keypairs/for-erin?user_id={member.UserId}")).Status);
        Assert.Equal(0, (await Send("2.10", HttpMethod.Get, "/v2.1/os-keypairs", token: memberToken)).Body.GetProperty("keypairs").GetArrayLength());
    }

    [SkippableFact]
    public async Task V210_MemberNamingAnotherUser_Is403_ButMayNameThemselves()
    {
        AdvertisedMicroversion.Require(ComputeMicroversions.KeypairUserId);
        var member = await IdentityClient.CreateMemberAsync(_session.Client, _session.AdminToken, "tenant", "frank");
        var token = await IdentityClient.LoginAsync(_session.Client, member.UserName, member.Password, "tenant");
        var adminId = await AdminUserId();

        AssertFault(HttpStatusCode.Forbidden, "forbidden", "Policy doesn't allow os_compute_api:os-keypairs:create to be performed.",
            await Import("2.10", "sneaky", token, $$$""", "user_id": "{{{adminId}}}" """));
        AssertFault(HttpStatusCode.Forbidden, "forbidden", "Policy doesn't allow os_compute_api:os-keypairs:index to be performed.",
            await Send("2.10", HttpMethod.Get, $"/v2.1/os-keypairs?user_id={adminId}", token: token));
        AssertFault(HttpStatusCode.Forbidden, "forbidden", "Policy doesn't allow os_compute_api:os-keypairs:show to be performed.",
            await Send("2.10", HttpMethod.Get, $"/v2.1/os-keypairs/admins?user_id={adminId}", token: token));
        AssertFault(HttpStatusCode.Forbidden, "forbidden", "Policy doesn't allow os_compute_api:os-keypairs:delete to be performed.",
            await Send("2.10", HttpMethod.Delete, $"/v2.1/os-keypairs/admins?user_id={adminId}", token: token));

        Assert.Equal(HttpStatusCode.Created, (await Import("2.10", "mine", token, $$$""", "user_id": "{{{member.UserId}}}" """)).Status);
        Assert.Equal(HttpStatusCode.OK, (await Send("2.10", HttpMethod.Get, $"/v2.1/os-keypairs/mine?user_id={member.UserId}", token: token)).Status);
    }

    [SkippableFact]
    public async Task V235_ListPagesByName_WithLimitMarkerAndANextLink()
    {
        AdvertisedMicroversion.Require(ComputeMicroversions.KeypairPaging);
        foreach (var name in new[] { "c", "a", "b" })
        {
            Assert.Equal(HttpStatusCode.Created, (await Import("2.35", name)).Status);
        }

        static string[] Names(JsonElement body) =>
            body.GetProperty("keypairs").EnumerateArray().Select(k => k.GetProperty("keypair").GetProperty("name").GetString()!).ToArray();

        var (status, first) = await Send("2.35", HttpMethod.Get, "/v2.1/os-keypairs?limit=2");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(["a", "b"], Names(first));
        JsonAssert.Equal("""[{"rel": "next", "href": "http://localhost/v2.1/os-keypairs?limit=2&marker=b"}]""", first.GetProperty("keypairs_links").GetRawText());

        var (_, rest) = await Send("2.35", HttpMethod.Get, "/v2.1/os-keypairs?limit=2&marker=b");
        Assert.Equal(["c"], Names(rest));
        Assert.False(rest.TryGetProperty("keypairs_links", out _));

        var (_, unlimited) = await Send("2.35", HttpMethod.Get, "/v2.1/os-keypairs?marker=a");
        Assert.Equal(["b", "c"], Names(unlimited));
        Assert.False(unlimited.TryGetProperty("keypairs_links", out _));

        var (_, old) = await Send("2.34", HttpMethod.Get, "/v2.1/os-keypairs?limit=1&marker=zz");
        Assert.Equal(["a", "b", "c"], Names(old));
        Assert.False(old.TryGetProperty("keypairs_links", out _));
    }

    [SkippableFact]
    public async Task V235_NextLink_KeepsTheProjectIdOfTheUrl()
    {
        AdvertisedMicroversion.Require(ComputeMicroversions.KeypairPaging);
        var member = await IdentityClient.CreateMemberAsync(_session.Client, _session.AdminToken, "tenant", "heidi");
        var token = await IdentityClient.LoginAsync(_session.Client, member.UserName, member.Password, "tenant");
        await Import("2.35", "a", token);
        await Import("2.35", "b", token);

        var (status, page) = await Send("2.35", HttpMethod.Get, $"/v2.1/{member.ProjectId}/os-keypairs?limit=1", token: token);

        Assert.Equal(HttpStatusCode.OK, status);
        var fingerprint = page.GetProperty("keypairs")[0].GetProperty("keypair").GetProperty("fingerprint").GetString();
        JsonAssert.Equal($$$"""
            {"keypairs": [{"keypair": {"fingerprint": "{{{fingerprint}}}", "name": "a", "public_key": "{{{Ed25519}}}", "type": "ssh"}}],
             "keypairs_links": [{"rel": "next", "href": "http://localhost/v2.1/{{{member.ProjectId}}}/os-keypairs?limit=1&marker=a"}]}
            """, page.GetRawText());
    }

    [SkippableTheory]
    [InlineData("marker=zz", "Marker zz could not be found.")]
    [InlineData("limit=abc", "Invalid input for query parameters limit. Value: abc. 'abc' does not match '^[0-9]*$'")]
    [InlineData("limit=-1", "Invalid input for query parameters limit. Value: -1. '-1' does not match '^[0-9]*$'")]
    [InlineData("limit=", "Invalid input for query parameters limit. Value: . '' is too short")]
    public async Task V235_BadPaging_Is400(string query, string message)
    {
        AdvertisedMicroversion.Require(ComputeMicroversions.KeypairPaging);

        AssertFault(HttpStatusCode.BadRequest, "badRequest", message, await Send("2.35", HttpMethod.Get, $"/v2.1/os-keypairs?{query}"));
    }

    private async Task<string> AdminUserId()
    {
        var (_, created) = await Import("2.10", $"probe-{Guid.NewGuid():N}");
        var keypair = created.GetProperty("keypair");
        await Send("2.10", HttpMethod.Delete, $"/v2.1/os-keypairs/{keypair.GetProperty("name").GetString()}");
        return keypair.GetProperty("user_id").GetString()!;
    }
}
