using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Appliance.Benchmarks;
using Appliance.Tests.Hosting;
using Appliance.Tests.Identity;
using Appliance.Tests.Images;
using Appliance.Tests.Networks;
using Appliance.Web.Ui;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Appliance.Tests.EndToEnd;

/// <summary>
/// The status page in a real browser (Debian's chromium, driven by Playwright) against the real appliance process on
/// test:///default: sign in, create a server, watch it turn ACTIVE without a reload, stop it and watch it turn SHUTOFF,
/// reload and still be signed in, delete it, sign out. Screenshots go to tests/artifacts/.
/// </summary>
[Trait("Tier", "e2e")]
public sealed class StatusPageBrowserTests
{
    private const string Chromium = "/usr/bin/chromium";

    [Fact]
    public async Task Browser_SignsIn_CreatesAServer_SeesItTurnActiveThenShutoffWithoutAReload_AndStaysSignedInAcrossAReload()
    {
        var started = DateTime.UtcNow.AddSeconds(-1);
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: install.sh installs Debian's chromium with the test dependencies; run it (or apt-get install chromium).");
        using var dir = new TempDataDir();
        await using var appliance = await ApplianceProcess.ServeAsync(dir.Path);
        var password = IdentityClient.AdminPassword(dir.Path);
        await CreateImageAsync(appliance.BaseUrl, password);

        SetDefaultExpectTimeout(30_000);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-dev-shm-usage"], // as root in a container, chromium's sandbox cannot start
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        var failedRequests = new List<string>();
        page.Response += (_, response) =>
        {
            if (response.Status >= 400)
            {
                failedRequests.Add($"{response.Status} {response.Url}");
            }
        };

        await page.GotoAsync($"{appliance.BaseUrl}/ui/");
        await page.Locator("#login-user").FillAsync("admin");
        await page.Locator("#login-password").FillAsync("not-the-password");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("wrong");

        await Expect(page.Locator("#login-user")).ToHaveValueAsync("admin"); // the failed attempt kept the name, not the password
        await Expect(page.Locator("#login-password")).ToHaveValueAsync("");
        await page.Locator("#login-password").FillAsync(password);
        await page.Locator("#login-project").FillAsync("admin");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Dashboard" })).ToBeVisibleAsync();
        await Expect(page.Locator("[data-test=hypervisor-version]")).ToContainTextAsync("TEST");

        await page.GetByRole(AriaRole.Link, new() { Name = "Servers", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Servers", Exact = true })).ToBeVisibleAsync();
        // A full reload would drop this; it must still be there when the server is ACTIVE.
        await page.EvaluateAsync("() => { window.statusPageNotReloaded = true; }");

        await page.Locator("#create-name").FillAsync("browser-vm");
        await page.Locator("#create-flavor").SelectOptionAsync("42");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create server" }).ClickAsync();
        await Expect(page.Locator("[data-test=created]")).ToContainTextAsync("browser-vm");
        var row = page.Locator("tr[data-server]", new() { HasText = "browser-vm" });
        await Expect(row.Locator(".badge")).ToHaveTextAsync("ACTIVE");
        await Expect(row.Locator("[data-test=addresses]")).ToHaveTextAsync(new Regex(@"^10\.\d+\.\d+\.\d+$")); // its port on the default network
        Assert.True(await page.EvaluateAsync<bool>("() => window.statusPageNotReloaded === true"), "the page reloaded");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Artifact("status-page-servers.png"), FullPage = true });

        // The default network, with the one address its pool has given out.
        await page.GetByRole(AriaRole.Link, new() { Name = "Networks" }).ClickAsync();
        var network = page.Locator("tr[data-network=private]");
        await Expect(network.Locator("[data-test=pool-use]")).ToHaveTextAsync("1 / 253");
        await Expect(page.Locator("[data-test=meter-private]")).ToHaveTextAsync("1 of 253 addresses");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Artifact("status-page-networks.png"), FullPage = true });

        // A network of the admin's project with its subnet, then gone again after the dialog's "Yes, delete".
        var cidr = TestCidrs.Free(0);
        await page.Locator("#network-name").FillAsync("browser-lab");
        await page.Locator("#network-cidr").FillAsync(cidr);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create network" }).ClickAsync();
        await Expect(page.Locator("[data-test=network-created]")).ToHaveTextAsync($"Network browser-lab is ready on {cidr}.");
        var lab = page.Locator("tr[data-network=browser-lab]");
        await Expect(lab.Locator("[data-test=pool-use]")).ToHaveTextAsync("0 / 253");
        await lab.GetByRole(AriaRole.Button, new() { Name = "Delete browser-lab" }).ClickAsync();
        await page.GetByRole(AriaRole.Dialog, new() { Name = "Delete the network?" }).GetByRole(AriaRole.Button, new() { Name = "Yes, delete" }).ClickAsync();
        await Expect(lab).ToHaveCountAsync(0);

        await page.GetByRole(AriaRole.Link, new() { Name = "Dashboard" }).ClickAsync();
        await Expect(page.Locator("[data-test=servers-by-status]")).ToContainTextAsync("ACTIVE");
        await Expect(page.Locator("[data-test=meter-vCPUs]")).ToHaveTextAsync("1 of 16");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Artifact("status-page.png"), FullPage = true });

        await page.GetByRole(AriaRole.Link, new() { Name = "Servers", Exact = true }).ClickAsync();
        await row.GetByRole(AriaRole.Link, new() { Name = "browser-vm" }).ClickAsync();
        var heading = page.GetByRole(AriaRole.Heading, new() { Level = 1 });
        await Expect(heading.Locator(".badge")).ToHaveTextAsync("ACTIVE");
        await Expect(page.Locator("[data-test=timeline]")).ToContainTextAsync("create");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Start" })).ToBeDisabledAsync();

        // Stop asks first, in a modal dialog that takes the focus, gives it back on Escape, and stops on "Yes, stop".
        var stop = page.GetByRole(AriaRole.Button, new() { Name = "Stop", Exact = true });
        await stop.ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = "Stop the server?" });
        await Expect(dialog).ToBeVisibleAsync();
        await Expect(dialog.GetByRole(AriaRole.Button, new() { Name = "Cancel" })).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Shift+Tab");
        await Expect(dialog.GetByRole(AriaRole.Button, new() { Name = "Yes, stop" })).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Escape");
        await Expect(dialog).ToBeHiddenAsync();
        await Expect(stop).ToBeFocusedAsync();
        await stop.ClickAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Artifact("status-page-dialog.png") });
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Yes, stop" }).ClickAsync();
        await Expect(heading.Locator(".badge")).ToHaveTextAsync("SHUTOFF");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Start" })).ToBeEnabledAsync();
        await Expect(page.Locator("[data-test=timeline]")).ToContainTextAsync("stop");
        await Expect(page.Locator("[data-test=timeline]")).Not.ToContainTextAsync("running…"); // the stop's phase, recorded just after
        Assert.True(await page.EvaluateAsync<bool>("() => window.statusPageNotReloaded === true"), "the page reloaded");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Artifact("status-page-server.png"), FullPage = true });

        // A reload starts a new circuit: the HttpOnly cookie signs it in again, and no script can read that cookie.
        await page.ReloadAsync();
        await Expect(heading).ToContainTextAsync("browser-vm");
        await Expect(heading.Locator(".badge")).ToHaveTextAsync("SHUTOFF");
        await Expect(page.Locator("#login-user")).ToHaveCountAsync(0);
        Assert.DoesNotContain("appliance-ui", await page.EvaluateAsync<string>("() => document.cookie"));
        await page.EvaluateAsync("() => { window.statusPageNotReloaded = true; }");

        await page.GetByRole(AriaRole.Button, new() { Name = "Delete", Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Yes, delete" }).ClickAsync();
        await Expect(page.Locator("[data-test=gone]")).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Link, new() { Name = "Requests" }).ClickAsync();
        await Expect(page.Locator("[data-test=request-table]")).ToContainTextAsync("/image/v2/images");
        Assert.True(await page.EvaluateAsync<bool>("() => window.statusPageNotReloaded === true"), "the page reloaded");

        // Readable on a phone: the navigation still shows and nothing is wider than the screen (tables scroll inside their card).
        await page.SetViewportSizeAsync(390, 844);
        await page.GetByRole(AriaRole.Link, new() { Name = "Servers", Exact = true }).ClickAsync();
        await Expect(page.Locator("#create-name")).ToBeVisibleAsync();
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), "the page scrolls sideways on a phone");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Artifact("status-page-phone.png"), FullPage = true });
        Assert.Empty(failedRequests);

        // Signing out clears the cookie: a reload shows the login form.
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(page.Locator("#login-user")).ToBeVisibleAsync();
        await page.ReloadAsync();
        await Expect(page.Locator("#login-user")).ToBeVisibleAsync();

        // The page's endpoints live on their own branch: the compute API's root document still answers after it was used.
        using var api = new HttpClient();
        var versions = await api.GetAsync($"{appliance.BaseUrl}/");
        Assert.Equal(HttpStatusCode.OK, versions.StatusCode);
        Assert.Contains("\"versions\"", await versions.Content.ReadAsStringAsync());
        var keyDir = new DirectoryInfo(Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".aspnet", "DataProtection-Keys"));
        Assert.False(keyDir.Exists && keyDir.GetFiles().Any(key => key.LastWriteTimeUtc >= started), "the page's keys belong in the data dir, not the home directory");
        var keys = new DirectoryInfo(Path.Combine(dir.Path, UiServices.KeyDirectory));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, keys.UnixFileMode);
        Assert.All(keys.GetFiles(), key => Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, key.UnixFileMode));
    }

    private static async Task CreateImageAsync(string baseUrl, string adminPassword)
    {
        using var client = new HttpClient { BaseAddress = new Uri(baseUrl) };
        var token = await IdentityClient.LoginAsync(client, "admin", adminPassword, "admin");
        var create = IdentityClient.WithToken(HttpMethod.Post, "/image/v2/images", token,
            """{"name": "tiny", "disk_format": "qcow2", "container_format": "bare", "visibility": "public"}""");
        var created = await client.SendAsync(create);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<Dictionary<string, object>>())!["id"].ToString();
        var upload = new HttpRequestMessage(HttpMethod.Put, $"/image/v2/images/{id}/file") { Content = ImageApiSession.Bytes(ImageApiSession.Qcow2("64M")) };
        upload.Headers.Add("X-Auth-Token", token);
        Assert.Equal(HttpStatusCode.NoContent, (await client.SendAsync(upload)).StatusCode);
    }

    /// <summary>tests/artifacts/NAME in the checkout (git-ignored), made if missing.</summary>
    private static string Artifact(string name)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Appliance.sln")))
        {
            dir = dir.Parent;
        }

        var artifacts = Path.Combine(dir?.FullName ?? Path.GetTempPath(), "tests", "artifacts");
        Directory.CreateDirectory(artifacts);
        return Path.Combine(artifacts, name);
    }
}
