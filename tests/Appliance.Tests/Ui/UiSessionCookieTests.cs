using System.Net;
using System.Security.Claims;
using Appliance.Core.Identity;
using Appliance.Tests.Servers;
using Appliance.Web.Ui;
using Appliance.Web.Ui.Session;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Appliance.Tests.Ui;

/// <summary>The sign-in cookie on the real pipeline: set by the form post, read by a new circuit, cleared by signing out.</summary>
public sealed class UiSessionCookieTests(ServerApiSession session) : IClassFixture<ServerApiSession>
{
    private readonly HttpClient _client = session.Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });

    /// <summary>An antiforgery cookie and its form token, as the page hands them to the browser.</summary>
    private (string Cookie, string Field, string Token) Antiforgery()
    {
        using var scope = session.Factory.CreateUiScope();
        var tokens = scope.ServiceProvider.GetRequiredService<IAntiforgery>().GetTokens(new DefaultHttpContext { RequestServices = scope.ServiceProvider });
        var cookieName = scope.ServiceProvider.GetRequiredService<IOptions<AntiforgeryOptions>>().Value.Cookie.Name;
        return ($"{cookieName}={tokens.CookieToken}", tokens.FormFieldName, tokens.RequestToken!);
    }

    private async Task<HttpResponseMessage> PostAsync(string path, Dictionary<string, string> form, string? sessionCookie = null, bool antiforgery = true)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path);
        var cookies = new List<string>();
        if (antiforgery)
        {
            var (cookie, field, token) = Antiforgery();
            cookies.Add(cookie);
            form = new Dictionary<string, string>(form) { [field] = token };
        }

        if (sessionCookie is not null)
        {
            cookies.Add(sessionCookie);
        }

        if (cookies.Count > 0)
        {
            request.Headers.Add("Cookie", string.Join("; ", cookies));
        }

        request.Content = new FormUrlEncodedContent(form);
        return await _client.SendAsync(request);
    }

    private Task<HttpResponseMessage> SignInAsync(string? password = null, string returnTo = "servers") => PostAsync("/ui/session", new()
    {
        ["user"] = session.Member.UserName,
        ["password"] = password ?? session.Member.Password,
        ["project"] = "servers-project",
        ["return"] = returnTo,
    });

    private static string? SetCookie(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var values) ? values.SingleOrDefault(v => v.StartsWith(UiCookie.Name + "=", StringComparison.Ordinal)) : null;

    /// <summary>The token inside a cookie, read the way the appliance reads it; null when the ticket does not open.</summary>
    private async Task<string?> TokenInAsync(string cookie)
    {
        using var scope = session.Factory.CreateUiScope();
        var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        context.Request.Headers.Cookie = cookie;
        return await UiCookie.TokenAsync(context);
    }

    [Fact]
    public async Task SignIn_SetsAnHttpOnlyStrictSessionCookie_WhoseTicketHoldsTheTokenEncrypted_AndGoesBackToThePage()
    {
        var response = await SignInAsync();

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/ui/servers", response.Headers.Location!.OriginalString);
        var setCookie = SetCookie(response)!;
        Assert.Contains("path=/ui", setCookie);
        Assert.Contains("httponly", setCookie);
        Assert.Contains("samesite=strict", setCookie);
        Assert.DoesNotContain("expires=", setCookie); // gone with the browser; the ticket inside ends with the token
        Assert.DoesNotContain("secure", setCookie); // plain http here; over https it is Secure

        var cookie = setCookie.Split(';')[0];
        var token = await TokenInAsync(cookie);
        Assert.NotNull(token);
        Assert.DoesNotContain(token, Uri.UnescapeDataString(cookie));
        var context = await session.Factory.Services.GetRequiredService<TokenService>().ValidateAsync(token);
        Assert.Equal(session.Member.UserId, context!.UserId);
        Assert.Null(await TokenInAsync(cookie[..^8] + "AAAAAAAA")); // a tampered ticket opens to nothing
    }

    [Fact]
    public async Task SignIn_WrongPassword_GoesBackWithTheFailureAndTheNames_AndSetsNoCookie()
    {
        var response = await SignInAsync(password: "wrong");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal($"/ui/servers?signin-failed=1&user={session.Member.UserName}&project=servers-project", response.Headers.Location!.OriginalString);
        Assert.Null(SetCookie(response));
    }

    [Fact]
    public async Task SignIn_PastTheFailedLoginBudget_GoesBackSayingToWait_AndSetsNoCookie()
    {
        // A name of its own, so the fixture's member is never throttled; failures come back one every 6 s, so keep going
        // until the throttle answers however slow the machine is.
        HttpResponseMessage response;
        var attempts = 0;
        do
        {
            response = await PostAsync("/ui/session", new() { ["user"] = "guessed-name", ["password"] = "wrong", ["project"] = "p", ["return"] = "servers" });
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.Null(SetCookie(response));
        }
        while (response.Headers.Location!.OriginalString.Contains("signin-failed=1", StringComparison.Ordinal) && ++attempts < 60);

        Assert.Equal("/ui/servers?signin-failed=throttled&user=guessed-name&project=p", response.Headers.Location!.OriginalString);
        Assert.InRange(attempts, 10, 59);
    }

    [Fact]
    public async Task SignIn_WithoutTheAntiforgeryToken_IsRefused()
    {
        var response = await PostAsync("/ui/session", new() { ["user"] = session.Member.UserName, ["password"] = session.Member.Password }, antiforgery: false);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(SetCookie(response));
    }

    [Theory]
    [InlineData("//evil.example/")]
    [InlineData("https://evil.example/")]
    [InlineData("/v2.1/servers")]
    [InlineData("../identity")]
    [InlineData("servers?x=1")]
    public async Task SignIn_ReturnPathOutsideThePage_GoesToTheDashboardInstead(string returnTo)
    {
        var response = await SignInAsync(returnTo: returnTo);

        Assert.Equal("/ui/", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task SignOut_RevokesTheTokenAndClearsTheCookie()
    {
        var cookie = SetCookie(await SignInAsync())!.Split(';')[0];
        var token = (await TokenInAsync(cookie))!;

        Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync("/ui/session/end", [], cookie, antiforgery: false)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await session.Send(HttpMethod.Get, "/v2.1/servers", token: token)).Status);

        var response = await PostAsync("/ui/session/end", [], cookie);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/ui/", response.Headers.Location!.OriginalString);
        Assert.Contains("expires=Thu, 01 Jan 1970", SetCookie(response));
        Assert.Equal(HttpStatusCode.Unauthorized, (await session.Send(HttpMethod.Get, "/v2.1/servers", token: token)).Status);
    }

    [Fact]
    public async Task Restore_SignsANewCircuitInFromTheCookie_ButNotWithARevokedToken()
    {
        var cookie = SetCookie(await SignInAsync())!.Split(';')[0];
        var token = (await TokenInAsync(cookie))!;
        var tokens = session.Factory.Services.GetRequiredService<TokenService>();
        var principal = new ClaimsPrincipal(new ClaimsIdentity([new Claim(UiCookie.TokenClaim, token)], UiCookie.Scheme));

        var restored = new UiSession();
        await new UiSessionRestore(new FixedAuthentication(principal), tokens, restored).RestoreAsync();
        Assert.Equal((session.Member.UserName, "servers-project"), (restored.Context!.UserName, restored.Context.Project!.Name));

        var anonymous = new UiSession();
        await new UiSessionRestore(new FixedAuthentication(new ClaimsPrincipal(new ClaimsIdentity())), tokens, anonymous).RestoreAsync();
        Assert.False(anonymous.SignedIn);
        Assert.Null(anonymous.Notice);

        await tokens.RevokeAsync(token);
        var revoked = new UiSession();
        await new UiSessionRestore(new FixedAuthentication(principal), tokens, revoked).RestoreAsync();
        Assert.False(revoked.SignedIn);
        Assert.Equal(UiCaller.SessionEnded, revoked.Notice);
    }

    [Fact]
    public async Task Keys_LiveUnderTheDataDir_ForTheOwnerOnly()
    {
        await SignInAsync(); // the first cookie makes the first key

        var keys = new DirectoryInfo(Path.Combine(session.Factory.DataDir, UiServices.KeyDirectory));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, keys.UnixFileMode);
        var files = keys.GetFiles();
        Assert.NotEmpty(files);
        Assert.All(files, file => Assert.Equal((".xml", UnixFileMode.UserRead | UnixFileMode.UserWrite), (file.Extension, file.UnixFileMode)));
    }

    private sealed class FixedAuthentication(ClaimsPrincipal user) : AuthenticationStateProvider
    {
        public override Task<AuthenticationState> GetAuthenticationStateAsync() => Task.FromResult(new AuthenticationState(user));
    }
}
