using Appliance.Core.Identity;
using Appliance.Core.Servers;
using Appliance.Web.Observability;
using Appliance.Web.Ui.Backend;
using Appliance.Web.Ui.Session;
using Bunit;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Appliance.Tests.Ui;

/// <summary>A bUnit context with the status page's fakes registered: a signed-in member unless a test says otherwise.</summary>
public abstract class UiComponentTest : BunitContext
{
    protected FakeServerFeed Feed { get; } = new();
    protected FakeServerCatalog Catalog { get; } = new();
    protected FakeHostStatus HostStatus { get; } = new();
    protected FakeImageShelf Shelf { get; } = new();
    protected FakeNetworkCatalog Networks { get; } = new();
    protected RequestLog Requests { get; } = new();
    protected FakeLoginActivity Logins { get; } = new();

    protected UiComponentTest()
    {
        // bUnit's WaitForAssertion gives up after 1 s by default: a render that follows a feed notice or a timer can take longer
        // on a busy two-core machine. The wait still ends as soon as the assertion passes.
        DefaultWaitTimeout = TimeSpan.FromSeconds(30);
        Services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        Services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        Services.AddSingleton<IServerChangeFeed>(Feed);
        Services.AddSingleton<IServerCatalog>(Catalog);
        Services.AddSingleton<IHostStatusSource>(HostStatus);
        Services.AddSingleton<IImageShelf>(Shelf);
        Services.AddSingleton<INetworkCatalog>(Networks);
        Services.AddSingleton<ILoginActivity>(Logins);
        Services.AddSingleton(Requests);
        Services.AddSingleton<AntiforgeryStateProvider, FixedAntiforgery>();
        JSInterop.Mode = JSRuntimeMode.Loose;
    }

    /// <summary>Registers the session, and the sign-in cookie a new circuit would find (none when null); call before the first render.</summary>
    protected UiSession UseSession(UiSession session, IssuedToken? cookie = null)
    {
        Services.AddSingleton(session);
        Services.AddSingleton<IUiSessionRestore>(new FakeSessionRestore(session, cookie));
        return session;
    }

    /// <summary>The token a page render would have put into the circuit's persisted state.</summary>
    private sealed class FixedAntiforgery : AntiforgeryStateProvider
    {
        public const string Token = "test-antiforgery-token";

        public override AntiforgeryRequestToken? GetAntiforgeryToken() => new(Token, "__RequestVerificationToken");
    }
}
