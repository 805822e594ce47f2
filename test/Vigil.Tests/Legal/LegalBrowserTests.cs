using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Vigil.Accounts;
using Vigil.Authorities;
using Vigil.Orders;
using Vigil.Tests.Desk;
using Vigil.Tests.Server;
using Vigil.Tests.Support;

namespace Vigil.Tests.Legal;

public sealed class LegalBrowserTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    private static readonly string Screenshots = Path.Combine(Repo.Root, "artifacts", "screenshots");

    private static async Task ShotAsync(IPage page, string name, string provider)
    {
        Directory.CreateDirectory(Screenshots);
        await page.ScreenshotAsync(new() { Path = Path.Combine(Screenshots, $"{name}-{provider}.png"), FullPage = true });
    }

    private async Task<IPage> SignInAsync(RunningServer server, NewStaffAccount account)
    {
        var context = await chromium.Browser.NewContextAsync(new() { BaseURL = server.Address.ToString(), ViewportSize = new() { Width = 1280, Height = 900 } });
        context.SetDefaultTimeout(120_000);
        context.SetDefaultNavigationTimeout(120_000);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/login");
        await BrowserSignIn.SignInAsync(page, account, url => url == server.Address.ToString());
        return page;
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Two_legal_officers_approve_a_production_order_in_a_browser(string provider)
    {
        var (server, accounts) = await LegalWebKit.StartAsync(provider);
        await using var _ = server;
        var authority = await LegalWebKit.AuthorityAsync(server, "BE-FEDPOL");
        var id = await LegalWebKit.OrderAsync(server, authority, LegalInstrument.EuProductionOrder, "EPOC/2026/117");
        await LegalWebKit.OrderAsync(server, authority, LegalInstrument.EuTcoRemovalOrder, "TCO/2026/9");

        var first = await SignInAsync(server, accounts[LegalWebKit.Officer1]);
        await first.GotoAsync("/legal");
        Assert.Equal(2, await first.Locator("#orders tbody tr").CountAsync());
        // The one-hour TCO order leads the inbox and is due soon.
        Assert.Contains("TCO/2026/9", await first.InnerTextAsync("#orders tbody tr:first-child"), StringComparison.Ordinal);
        Assert.Contains("due soon", await first.InnerTextAsync("#orders tbody tr:first-child"), StringComparison.Ordinal);
        await ShotAsync(first, "legal-inbox", provider);
        await first.ClickAsync($"a[href='/legal/orders/{id}']");
        await first.WaitForSelectorAsync("#approve");
        Assert.Equal("0 of 2 approvals", await first.InnerTextAsync("#approvals"));
        await first.ClickAsync("#approve button");
        await first.WaitForSelectorAsync("#already-approved");
        Assert.Equal("1 of 2 approvals", await first.InnerTextAsync("#approvals"));
        Assert.Equal("UnderReview", await first.InnerTextAsync("#order-state"));
        Assert.Equal(0, await first.Locator("#approve").CountAsync());
        await ShotAsync(first, "legal-order-1-of-2", provider);

        // The server refuses a second approval by the same officer even if the form is replayed.
        var replay = await first.Context.APIRequest.PostAsync($"/legal/orders/{id}/approve", new()
        {
            Form = await FormWithTokenAsync(first),
        });
        Assert.Equal(409, replay.Status);
        Assert.Contains("already approved", await replay.TextAsync(), StringComparison.Ordinal);

        var second = await SignInAsync(server, accounts[LegalWebKit.Officer2]);
        await second.GotoAsync($"/legal/orders/{id}");
        Assert.Equal("1 of 2 approvals", await second.InnerTextAsync("#approvals"));
        await second.ClickAsync("#approve button");
        await second.WaitForSelectorAsync("#order-state:text('Approved')");
        Assert.Equal("2 of 2 approvals", await second.InnerTextAsync("#approvals"));
        await ShotAsync(second, "legal-order-approved", provider);

        await using var db = server.Store.Store.CreateContext();
        Assert.Equal(OrderState.Approved, (await db.LegalOrders.SingleAsync(o => o.Id == id)).State);
        Assert.Equal([LegalWebKit.Officer1, LegalWebKit.Officer2], await db.OrderApprovals.Where(a => a.OrderId == id).OrderBy(a => a.Id).Select(a => a.Officer).ToListAsync());
        var events = server.LedgerEntries().Select(e => e.Event).ToList();
        Assert.Contains(events, e => e.Action == "order.approval_recorded" && e.Actor == LegalWebKit.Officer1);
        Assert.Contains(events, e => e.Action == "order.refused" && e.Actor == LegalWebKit.Officer1 && e.Reason.Contains("already_approved", StringComparison.Ordinal));
        Assert.Contains(events, e => e.Action == "order.approved" && e.Actor == LegalWebKit.Officer2);
    }

    private static async Task<IFormData> FormWithTokenAsync(IPage page)
    {
        var token = await page.Locator("input[name=__RequestVerificationToken]").First.GetAttributeAsync("value");
        var form = page.Context.APIRequest.CreateFormData();
        form.Set("__RequestVerificationToken", token!);
        return form;
    }
}
