using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Vigil.Accounts;
using Vigil.Tests.Authorities;
using Vigil.Tests.Desk;
using Vigil.Tests.Server;
using Vigil.Tests.Support;

namespace Vigil.Tests.Portal;

public sealed class PortalBrowserTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    private static readonly string Screenshots = Path.Combine(Repo.Root, "artifacts", "screenshots");

    private static async Task ShotAsync(IPage page, string name, string provider)
    {
        Directory.CreateDirectory(Screenshots);
        await page.ScreenshotAsync(new() { Path = Path.Combine(Screenshots, $"{name}-{provider}.png"), FullPage = true });
    }

    private async Task<IPage> SignInAsync(RunningServer server, NewStaffAccount account, string landing)
    {
        var context = await chromium.Browser.NewContextAsync(new() { BaseURL = server.Address.ToString(), ViewportSize = new() { Width = 1280, Height = 900 } });
        // CI runs browser and server tests side by side on two cores: Playwright's 30 s default is too tight there.
        context.SetDefaultTimeout(120_000);
        context.SetDefaultNavigationTimeout(120_000);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/login");
        var expected = new Uri(server.Address, landing).ToString();
        await BrowserSignIn.SignInAsync(page, account, url => url == expected);
        return page;
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task A_portal_user_sends_an_emergency_request_and_a_legal_officer_registers_an_authority_with_a_key(string provider)
    {
        var (server, accounts) = await PortalKit.StartAsync(provider);
        await using var _s = server;
        var a = await PortalKit.AuthorityAsync(server, "GB-EXAMPLE-POLICE");
        var user = await PortalKit.PortalUserAsync(server, a, "analyst@police.example");

        // The portal user signs in with two-factor and lands on the portal.
        var portal = await SignInAsync(server, user, "/portal");
        Assert.True(await portal.Locator("#portal-nav a[href='/portal/referrals']").IsVisibleAsync());
        await ShotAsync(portal, "portal-orders-empty", provider);
        await portal.ClickAsync("#portal-nav a[href='/portal/orders/new']");
        await portal.WaitForURLAsync("**/portal/orders/new");
        await portal.SelectOptionAsync("select[name=instrument]", "EDR");
        await portal.CheckAsync("input[name=emergency]");
        await portal.FillAsync("input[name=reference]", "EDR-2026-042");
        await portal.SelectOptionAsync("select[name='tasks[0].category']", "SubscriberData");
        await portal.FillAsync("input[name='tasks[0].start']", "2026-10-01T00:00");
        await portal.FillAsync("input[name='tasks[0].end']", "2026-11-01T00:00");
        await portal.SelectOptionAsync("select[name='tasks[0].selectors[0].kind']", "Username");
        await portal.FillAsync("input[name='tasks[0].selectors[0].value']", "threat_account");
        await portal.SetInputFilesAsync("input[name=document]", new FilePayload { Name = "request.pdf", MimeType = "application/pdf", Buffer = PortalKit.Pdf });
        await ShotAsync(portal, "portal-new-request", provider);
        await portal.ClickAsync("#order-form button[type=submit]");
        await portal.WaitForURLAsync("**/portal/orders?sent=*");
        var row = portal.Locator("#orders tbody tr", new() { HasText = "EDR-2026-042" });
        Assert.Contains("awaiting verification callback", await row.Locator("td.state").InnerTextAsync(), StringComparison.Ordinal);
        await ShotAsync(portal, "portal-orders", provider);
        await row.Locator("a").ClickAsync();
        await portal.WaitForSelectorAsync("#callback");
        Assert.Contains("threat_account", await portal.InnerTextAsync("#tasks"), StringComparison.Ordinal);
        await ShotAsync(portal, "portal-order", provider);

        // A legal officer registers another authority and gives it a key.
        var officer = await SignInAsync(server, accounts[PortalKit.Officer], "/");
        await officer.GotoAsync("/legal/authorities");
        await ShotAsync(officer, "authorities", provider);
        await officer.ClickAsync("#new-authority");
        await officer.FillAsync("input[name=code]", "FR-PN");
        await officer.FillAsync("input[name=name]", "Police nationale");
        await officer.FillAsync("input[name=country]", "FR");
        await officer.SelectOptionAsync("select[name=kind]", "Police");
        await officer.CheckAsync("input[name=instruments][value=LEGAL]");
        await officer.CheckAsync("input[name=instruments][value=EDR]");
        await officer.FillAsync("textarea[name=callback_numbers]", "+33 1 42 68 53 00");
        await ShotAsync(officer, "authority-new", provider);
        await officer.ClickAsync("#authority-form button[type=submit]");
        await officer.WaitForURLAsync("**/legal/authorities/FR-PN");
        Assert.Equal("+33142685300", await officer.InnerTextAsync("#callbacks"));
        await officer.FillAsync("#add-key input[name=key_id]", "fr-pn-2026");
        await officer.SelectOptionAsync("#add-key select[name=algorithm]", "ES256");
        await officer.FillAsync("#add-key textarea[name=pem]", AuthorityKit.EcPublicKeyPem());
        await officer.ClickAsync("#add-key button[type=submit]");
        await officer.WaitForSelectorAsync("#notice");
        Assert.Contains("fr-pn-2026", await officer.InnerTextAsync("#keys"), StringComparison.Ordinal);
        await ShotAsync(officer, "authority-detail", provider);

        await using var db = server.Store.Store.CreateContext();
        Assert.Equal("fr-pn-2026", (await db.AuthorityKeys.SingleAsync()).KeyId);
        Assert.True((await db.LegalOrders.SingleAsync()).Emergency);
    }
}
