using Appliance.Web.Ui.Components.Layout;
using Appliance.Web.Ui.Components.Parts;
using Appliance.Web.Ui.Session;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace Appliance.Tests.Ui;

public sealed class LoginTests : UiComponentTest
{
    [Fact]
    public void LoginForm_WrongPassword_ShowsTheFailureAsAnAlertAndClearsThePassword()
    {
        UseSession(new UiSession(), failure: UiSignIn.Failed);
        var cut = Render<LoginForm>();

        cut.Find("#login-user").Change("admin");
        cut.Find("#login-password").Change("wrong");
        cut.Find("form").Submit();

        var alert = cut.Find("[role=alert]");
        Assert.Equal(UiSignIn.Failed, alert.TextContent);
        Assert.Equal("", cut.Find("#login-password").GetAttribute("value") ?? "");
        var signIn = (FakeSignIn)Services.GetRequiredService<IUiSignIn>();
        Assert.Equal(("admin", "wrong", ""), Assert.Single(signIn.Attempts));
    }

    [Fact]
    public void Layout_SignedOut_ShowsOnlyTheLoginForm_ThenTheNavigationOnceSignedIn()
    {
        var session = UseSession(new UiSession());
        var cut = Render<UiLayout>(parameters => parameters.Add(p => p.Body, (RenderFragment)(builder => builder.AddContent(0, "page body"))));

        Assert.NotNull(cut.Find("#login-user"));
        Assert.Empty(cut.FindAll("nav"));
        Assert.DoesNotContain("page body", cut.Markup);

        cut.Find("#login-user").Change("alice");
        cut.Find("#login-password").Change("secret");
        cut.Find("#login-project").Change("demo");
        cut.Find("form").Submit();

        cut.WaitForAssertion(() => Assert.Contains("page body", cut.Markup));
        Assert.Equal(["Dashboard", "Servers", "Images", "Flavors", "Requests"], cut.FindAll("nav a").Select(a => a.TextContent));
        Assert.Equal("alice in demo", cut.Find("[data-test=who]").TextContent);
        Assert.True(session.SignedIn);
    }

    [Fact]
    public void Layout_SignOut_RevokesThroughTheSignInServiceAndShowsTheLoginForm()
    {
        UseSession(UiSessions.Admin());
        var cut = Render<UiLayout>();
        Assert.Contains("(admin: every project)", cut.Find("[data-test=who]").TextContent);

        cut.Find("header button").Click();

        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("#login-user")));
        Assert.Equal(1, ((FakeSignIn)Services.GetRequiredService<IUiSignIn>()).SignOuts);
    }

    [Fact]
    public void Layout_SessionEndedElsewhere_ShowsTheNoticeAboveTheLoginForm()
    {
        var session = UseSession(UiSessions.Member());
        var cut = Render<UiLayout>();

        session.SignOut(UiCaller.SessionEnded);

        cut.WaitForAssertion(() => Assert.Equal(UiCaller.SessionEnded, cut.Find(".notice").TextContent));
    }
}
