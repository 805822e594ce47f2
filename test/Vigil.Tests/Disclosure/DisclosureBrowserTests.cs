using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Accounts;
using Vigil.Authorities;
using Vigil.Disclosure;
using Vigil.Orders;
using Vigil.Platforms;
using Vigil.Records;
using Vigil.Signing;
using Vigil.Tests.Desk;
using Vigil.Tests.Server;
using Vigil.Tests.Support;

namespace Vigil.Tests.Disclosure;

public sealed class DisclosureBrowserTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    private static readonly string Screenshots = Path.Combine(Repo.Root, "artifacts", "screenshots");

    /// <summary>A portal user bound to <paramref name="authorityId"/>, with two-factor on (what the portal's user management creates).</summary>
    private static async Task<NewStaffAccount> PortalUserAsync(RunningServer server, string email, long authorityId)
    {
        await using var scope = server.App.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<StaffUser>>();
        var roles = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>();
        if (!await roles.RoleExistsAsync(StaffRoles.AuthorityUser))
        {
            Assert.True((await roles.CreateAsync(new IdentityRole(StaffRoles.AuthorityUser))).Succeeded);
        }
        var password = StaffAccounts.GeneratePassword();
        var user = new StaffUser { UserName = email, Email = email, EmailConfirmed = true, TwoFactorEnabled = true, AuthorityId = authorityId };
        Assert.True((await users.CreateAsync(user, password)).Succeeded);
        Assert.True((await users.ResetAuthenticatorKeyAsync(user)).Succeeded);
        Assert.True((await users.AddToRoleAsync(user, StaffRoles.AuthorityUser)).Succeeded);
        return new NewStaffAccount(email, password, (await users.GetAuthenticatorKeyAsync(user))!, "");
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Officer_previews_and_discloses_then_the_authority_downloads_the_package_once_in_a_browser(string provider)
    {
        var (server, accounts) = await RunningServer.StartAsync(provider, ("legal1@example.org", StaffRoles.LegalOfficer), ("mod@example.org", StaffRoles.Moderator));
        await using var _s = server;
        var now = TimeProvider.System.GetUtcNow();
        var keys = AuthorityKeyFiles.Create(Path.Combine(server.Store.Store.DataDirectory.FullName, "authority"), "gb-police", now);
        long orderId, authorityId, otherId;
        await using (var db = server.Store.Store.CreateContext())
        {
            var platform = new Platform { Name = "chirp", CreatedAt = now };
            db.Platforms.Add(platform);
            var authority = new Authority { Code = "GB-POLICE", CountryCode = "GB", Name = "Example Police", Instruments = [LegalInstrument.EuProductionOrder], EncryptionCertificatePem = keys.CertificatePem, CreatedAt = now, UpdatedAt = now };
            var other = new Authority { Code = "FR-POLICE", CountryCode = "FR", Name = "Other Police", CreatedAt = now, UpdatedAt = now };
            db.Authorities.AddRange(authority, other);
            await db.SaveChangesAsync();
            await RecordStore.StoreAsync(db,
            [
                new(RecordCategory.Subscriber, "a1", new SubscriberRecord { PlatformId = platform.Id, AccountId = "a1", Username = "alice", Email = "alice@example.com", AccountCreatedAt = now.AddYears(-1), RecordedAt = now }),
                new(RecordCategory.AccessLog, "a1", new AccessLogRecord { PlatformId = platform.Id, AccountId = "a1", IpAddress = "198.51.100.7", SourcePort = 40000, At = now.AddDays(-3), RecordedAt = now }),
            ], CancellationToken.None);
            var order = new LegalOrder
            {
                AuthorityId = authority.Id, Instrument = LegalInstrument.EuProductionOrder, Reference = "GB-REF-42", Channel = OrderChannel.Hi1Json, State = OrderState.Approved,
                SubmittedBy = "kid", ReceivedAt = now, UpdatedAt = now,
                Tasks =
                [
                    new OrderTask { Kind = TaskKind.Disclosure, Category = DataCategory.SubscriberData, StartTime = now.AddDays(-30), EndTime = now, Decision = TaskDecision.Approved, Selectors = [new OrderSelector { Kind = SelectorKind.Username, Value = "alice" }] },
                    new OrderTask { Kind = TaskKind.Disclosure, Category = DataCategory.TrafficData, StartTime = now.AddDays(-30), EndTime = now, Decision = TaskDecision.Approved, Selectors = [new OrderSelector { Kind = SelectorKind.AccountId, Value = "a1" }] },
                ],
            };
            db.LegalOrders.Add(order);
            await db.SaveChangesAsync();
            (orderId, authorityId, otherId) = (order.Id, authority.Id, other.Id);
        }
        var portal = await PortalUserAsync(server, "officer@police.example", authorityId);
        var foreign = await PortalUserAsync(server, "officer@other.example", otherId);

        // The legal officer: JSON and HTML previews; a moderator may not see them.
        var legal = await RunningServer.SignedInAsync(server, accounts["legal1@example.org"]);
        var json = JsonDocument.Parse(await legal.GetStringAsync($"/api/v1/legal/orders/{orderId}/preview")).RootElement;
        Assert.Equal(1, json.GetProperty("tasks")[0].GetProperty("counts").GetProperty("subscribers").GetInt32());
        Assert.Equal(1, json.GetProperty("tasks")[1].GetProperty("counts").GetProperty("access_logs").GetInt32());
        var mod = await RunningServer.SignedInAsync(server, accounts["mod@example.org"]);
        Assert.Equal(HttpStatusCode.Forbidden, (await mod.GetAsync($"/api/v1/legal/orders/{orderId}/preview")).StatusCode);
        var token = await RunningServer.FormTokenAsync(legal, $"/legal/orders/{orderId}/preview");
        var built = await legal.PostAsync($"/legal/orders/{orderId}/disclosure", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));
        Assert.Equal(HttpStatusCode.OK, built.StatusCode);
        var again = await legal.PostAsync($"/legal/orders/{orderId}/disclosure", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        // Staff cannot use the portal.
        Assert.Equal(HttpStatusCode.Forbidden, (await legal.GetAsync("/portal/disclosures")).StatusCode);

        // Another authority's user sees nothing and gets 404 for the package.
        var foreignClient = await RunningServer.SignedInAsync(server, foreign);
        Assert.DoesNotContain("GB-REF-42", await foreignClient.GetStringAsync("/portal/disclosures"), StringComparison.Ordinal);

        // The authority's user in Chromium: sign in with two factors, see the package, download it once.
        var context = await chromium.Browser.NewContextAsync(new() { BaseURL = server.Address.ToString(), AcceptDownloads = true, ViewportSize = new() { Width = 1280, Height = 800 } });
        context.SetDefaultTimeout(120_000);
        context.SetDefaultNavigationTimeout(120_000);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/login");
        // A portal user lands on the portal.
        await BrowserSignIn.SignInAsync(page, portal, url => new Uri(url).AbsolutePath == "/portal");
        await page.GotoAsync("/portal/disclosures");
        Assert.Contains("GB-REF-42", await page.InnerTextAsync("main"), StringComparison.Ordinal);
        Directory.CreateDirectory(Screenshots);
        await page.ScreenshotAsync(new() { Path = Path.Combine(Screenshots, $"disclosure-portal-list-{provider}.png"), FullPage = true });
        var href = await page.GetAttributeAsync("a.download", "href");
        var packageId = long.Parse(href!.Split('/')[3], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(HttpStatusCode.NotFound, (await foreignClient.GetAsync(href)).StatusCode);

        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("a.download"));
        var saved = Path.Combine(server.Store.Store.DataDirectory.FullName, "downloaded.p7m");
        await download.SaveAsAsync(saved);
        using var signing = PlatformSigning.LoadOrCreate(server.Store.Store.DataDirectory, TimeProvider.System);
        var files = await PackageOpener.OpenAsync(await File.ReadAllBytesAsync(saved), Path.Combine(server.Store.Store.DataDirectory.FullName, "opened"), keys, signing.CertificatePath);
        Assert.Equal(2, files.Keys.Count(k => k.StartsWith("tasks/", StringComparison.Ordinal)));

        await page.GotoAsync("/portal/disclosures");
        Assert.Contains("downloaded", await page.InnerTextAsync($"tr[data-package=\"{packageId}\"]"), StringComparison.Ordinal);
        var second = await page.GotoAsync(href);
        Assert.Equal(410, second!.Status);
        await page.ScreenshotAsync(new() { Path = Path.Combine(Screenshots, $"disclosure-second-download-refused-{provider}.png"), FullPage = true });
        await context.CloseAsync();

        var ledger = server.LedgerEntries();
        Assert.Contains(ledger, e => e.Event.Action == DisclosureAudit.Previewed);
        Assert.Contains(ledger, e => e.Event.Action == DisclosureAudit.Built);
        Assert.Single(ledger, e => e.Event.Action == DisclosureAudit.Downloaded && e.Event.Actor == portal.Email);
        Assert.Equal(2, ledger.Count(e => e.Event.Action == DisclosureAudit.DownloadRefused));
    }
}
