using Microsoft.Playwright;
using Vigil.Accounts;
using Vigil.Tests.Desk;
using Vigil.Tests.Support;

namespace Vigil.Tests.Server;

/// <summary>The browser tests' sign-in: a TOTP code that ages out in transit (as on a loaded CI machine) must not hang a test.</summary>
public sealed class BrowserSignInTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    private const string Officer = "officer@example.org";
    private const string Other = "other@example.org";

    private async Task<IPage> LoginPageAsync(RunningServer server)
    {
        var context = await chromium.Browser.NewContextAsync(new() { BaseURL = server.Address.ToString() });
        context.SetDefaultTimeout(120_000);
        context.SetDefaultNavigationTimeout(120_000);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/login");
        return page;
    }

    [Fact]
    public async Task A_code_that_aged_out_of_the_servers_window_in_transit_is_replaced_by_a_fresh_one()
    {
        var (server, accounts) = await RunningServer.StartAsync("sqlite", (Officer, StaffRoles.LegalOfficer));
        await using var _s = server;
        var page = await LoginPageAsync(server);

        // The first code is computed 90 s (three steps) before the server sees it: the server refuses it as wrong,
        // which the old helper then mistook for a slow redirect and waited 120 s for a page that never came.
        await BrowserSignIn.SignInAsync(page, accounts[Officer], url => url == server.Address.ToString(), clock: new FirstReadingLate(TimeSpan.FromSeconds(90)));

        Assert.Equal(server.Address.ToString(), page.Url);
        var signIns = server.LedgerEntries().Select(e => e.Event)
            .Where(e => e.Subject.Id == Officer && e.Action is AccountAudit.TwoFactorFailed or AccountAudit.Login).Select(e => e.Action);
        Assert.Equal(new[] { AccountAudit.TwoFactorFailed, AccountAudit.Login }, signIns);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_code_refused_inside_its_window_fails_the_sign_in_at_once_with_what_the_page_says()
    {
        var (server, accounts) = await RunningServer.StartAsync("sqlite", (Officer, StaffRoles.LegalOfficer), (Other, StaffRoles.LegalOfficer));
        await using var _s = server;
        var page = await LoginPageAsync(server);
        var wrongKey = accounts[Officer] with { AuthenticatorKey = accounts[Other].AuthenticatorKey };

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => BrowserSignIn.SignInAsync(page, wrongKey, url => url == server.Address.ToString()));

        Assert.Contains("answered 401", e.Message, StringComparison.Ordinal);
        // What the page says, at once, rather than Playwright's timeout after 120 s on the wrong page.
        Assert.Contains("Wrong code.", e.Message, StringComparison.Ordinal);
        await page.Context.CloseAsync();
    }

    /// <summary>The system clock, except that its first reading is <paramref name="late"/> behind.</summary>
    private sealed class FirstReadingLate(TimeSpan late) : TimeProvider
    {
        private int readings;

        public override DateTimeOffset GetUtcNow() =>
            Interlocked.Increment(ref readings) == 1 ? System.GetUtcNow() - late : System.GetUtcNow();
    }
}
