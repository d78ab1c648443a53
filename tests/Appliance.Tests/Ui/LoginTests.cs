using Appliance.Web.Ui.Components.Layout;
using Appliance.Web.Ui.Components.Parts;
using Appliance.Web.Ui.Session;
using Bunit;
using Bunit.TestDoubles;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace Appliance.Tests.Ui;

public sealed class LoginTests : UiComponentTest
{
    private static readonly RenderFragment PageBody = builder => builder.AddContent(0, "page body");

    [Fact]
    public void LoginForm_PostsToTheSessionEndpoint_WithAnAntiforgeryTokenAndThePageToComeBackTo()
    {
        UseSession(new UiSession());
        Services.GetRequiredService<NavigationManager>().NavigateTo("servers/s1");
        var cut = Render<LoginForm>();

        var form = cut.Find("form");
        Assert.Equal(("post", "session"), (form.GetAttribute("method"), form.GetAttribute("action")));
        Assert.Equal("test-antiforgery-token", cut.Find("input[type=hidden][name=__RequestVerificationToken]").GetAttribute("value"));
        Assert.Equal("servers/s1", cut.Find("input[type=hidden][name=return]").GetAttribute("value"));
        Assert.Equal(["user", "password", "project"], cut.FindAll("input:not([type=hidden])").Select(input => input.GetAttribute("name")));
        // Every field has its label, and the browser may fill the credentials in.
        Assert.All(cut.FindAll("input:not([type=hidden])"), input => Assert.NotNull(cut.Find($"label[for={input.Id}]")));
        Assert.Equal("current-password", cut.Find("#login-password").GetAttribute("autocomplete"));
        Assert.Empty(cut.FindAll("[role=alert]"));
    }

    [Fact]
    public void LoginForm_AfterAFailedAttempt_ShowsTheFailureAsAnAlertAndKeepsTheNamesButNotThePassword()
    {
        UseSession(new UiSession());
        Services.GetRequiredService<NavigationManager>().NavigateTo("servers?signin-failed=1&user=admin&project=demo");
        var cut = Render<LoginForm>();

        Assert.Equal(UiSignIn.Failed, cut.Find("[role=alert]").TextContent);
        Assert.Equal("admin", cut.Find("#login-user").GetAttribute("value"));
        Assert.Equal("demo", cut.Find("#login-project").GetAttribute("value"));
        Assert.Null(cut.Find("#login-password").GetAttribute("value"));
        Assert.Equal("servers", cut.Find("input[name=return]").GetAttribute("value"));
    }

    [Fact]
    public void LoginForm_AfterAThrottledAttempt_SaysToWait_NotThatTheCredentialsAreWrong()
    {
        UseSession(new UiSession());
        Services.GetRequiredService<NavigationManager>().NavigateTo("servers?signin-failed=throttled&user=admin&project=demo");
        var cut = Render<LoginForm>();

        Assert.Equal(UiSignIn.Refused, cut.Find("[role=alert]").TextContent);
        Assert.Equal("admin", cut.Find("#login-user").GetAttribute("value"));
    }

    [Fact]
    public void Layout_SignedOutWithoutACookie_ShowsOnlyTheLoginForm()
    {
        UseSession(new UiSession());
        var cut = Render<UiLayout>(parameters => parameters.Add(p => p.Body, PageBody));

        Assert.NotNull(cut.Find("#login-user"));
        Assert.Empty(cut.FindAll("nav"));
        Assert.DoesNotContain("page body", cut.Markup);
    }

    [Fact]
    public void Layout_NewCircuitWithTheSignInCookie_IsSignedInWithoutTheForm()
    {
        var alice = UiSessions.SignedIn("alice", UiSessions.MemberProject, "demo", "member");
        var session = UseSession(new UiSession(), cookie: new Core.Identity.IssuedToken("secret", alice.Context!));
        var cut = Render<UiLayout>(parameters => parameters.Add(p => p.Body, PageBody));

        cut.WaitForAssertion(() => Assert.Contains("page body", cut.Markup));
        Assert.Empty(cut.FindAll("#login-user"));
        Assert.Equal(["Dashboard", "Servers", "Networks", "Images", "Flavors", "Requests"], cut.FindAll("nav a").Select(a => a.TextContent));
        Assert.Equal("alice in demo", cut.Find("[data-test=who]").TextContent);
        Assert.True(session.SignedIn);
        Assert.Equal(1, ((FakeSessionRestore)Services.GetRequiredService<IUiSessionRestore>()).Restores);
    }

    [Fact]
    public void Layout_SignOut_IsAFormPostWithAnAntiforgeryToken()
    {
        UseSession(UiSessions.Admin());
        var cut = Render<UiLayout>();
        Assert.Contains("(admin: every project)", cut.Find("[data-test=who]").TextContent);

        var form = cut.Find("[data-test=sign-out]");
        Assert.Equal(("post", "session/end"), (form.GetAttribute("method"), form.GetAttribute("action")));
        Assert.NotNull(form.QuerySelector("input[name=__RequestVerificationToken]"));
        Assert.Equal("Sign out", form.QuerySelector("button[type=submit]")!.TextContent);
    }

    [Fact]
    public void Layout_SessionEndedElsewhere_ShowsTheNoticeAboveTheLoginForm()
    {
        var session = UseSession(UiSessions.Member());
        var cut = Render<UiLayout>();

        session.SignOut(UiCaller.SessionEnded);

        cut.WaitForAssertion(() => Assert.Equal(UiCaller.SessionEnded, cut.Find(".notice").TextContent));
        Assert.NotNull(cut.Find("#login-user"));
    }
}
