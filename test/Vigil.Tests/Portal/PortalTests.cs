using System.Net;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Accounts;
using Vigil.Authorities;
using Vigil.Orders;
using Vigil.Portal;
using Vigil.Tests.Authorities;
using Vigil.Tests.Server;
using Vigil.Tests.Support;

namespace Vigil.Tests.Portal;

public sealed class PortalTests
{
    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task A_portal_user_lands_on_the_portal_sees_only_their_authoritys_orders_and_gets_404_for_anothers(string provider)
    {
        var (server, _) = await PortalKit.StartAsync(provider);
        await using var _s = server;
        var a = await PortalKit.AuthorityAsync(server, "GB-A-POLICE");
        var b = await PortalKit.AuthorityAsync(server, "GB-B-POLICE");
        var userA = await PortalKit.PortalUserAsync(server, a, "analyst@a.example.org");
        var orderA = await PortalKit.OrderAsync(server, a.Id, "REF-A-1", "alice@example.org");
        var orderB = await PortalKit.OrderAsync(server, b.Id, "REF-B-1", "bob@example.org");

        using var client = await PortalKit.SignInAsync(server, userA);
        foreach (var path in new[] { "/portal", "/portal/orders" })
        {
            var list = await client.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, list.StatusCode);
            var html = await list.Content.ReadAsStringAsync();
            Assert.Contains("REF-A-1", html, StringComparison.Ordinal);
            Assert.DoesNotContain("REF-B-1", html, StringComparison.Ordinal);
            Assert.Contains("href=\"/portal/referrals\"", html, StringComparison.Ordinal);
        }
        var own = await client.GetAsync($"/portal/orders/{orderA}");
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Contains("alice@example.org", await own.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var other = await client.GetAsync($"/portal/orders/{orderB}");
        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
        Assert.DoesNotContain("bob@example.org", await other.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/portal/orders/999999")).StatusCode);

        var events = server.LedgerEntries().Select(e => e.Event).ToList();
        Assert.Contains(events, e => e.Action == AccountAudit.Created && e.Subject.Id == userA.Email && e.Reason.Contains("GB-A-POLICE", StringComparison.Ordinal));
        Assert.Contains(events, e => e.Action == AccountAudit.Login && e.Actor == userA.Email && e.Role == StaffRoles.AuthorityUser);
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Staff_pages_refuse_portal_users_and_portal_pages_refuse_staff(string provider)
    {
        var (server, accounts) = await PortalKit.StartAsync(provider);
        await using var _s = server;
        var a = await PortalKit.AuthorityAsync(server, "GB-A-POLICE");
        using var portal = await PortalKit.SignInAsync(server, await PortalKit.PortalUserAsync(server, a, "analyst@a.example.org"));
        foreach (var path in new[] { "/", "/desk", "/legal/authorities", "/legal/authorities/GB-A-POLICE", "/ledger/checkpoint", "/openapi/v1.json" })
        {
            Assert.Equal((path, HttpStatusCode.Forbidden), (path, (await portal.GetAsync(path)).StatusCode));
        }
        using var officer = await RunningServer.SignedInAsync(server, accounts[PortalKit.Officer]);
        using var moderator = await RunningServer.SignedInAsync(server, accounts[PortalKit.Moderator]);
        foreach (var path in new[] { "/portal", "/portal/orders", "/portal/orders/new", "/portal/orders/1" })
        {
            Assert.Equal((path, HttpStatusCode.Forbidden), (path, (await officer.GetAsync(path)).StatusCode));
            Assert.Equal((path, HttpStatusCode.Forbidden), (path, (await moderator.GetAsync(path)).StatusCode));
        }
        Assert.Equal(HttpStatusCode.Forbidden, (await moderator.GetAsync("/legal/authorities")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await officer.GetAsync("/legal/authorities")).StatusCode);
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task An_emergency_request_from_the_form_is_under_review_and_awaits_the_callback(string provider)
    {
        var (server, _) = await PortalKit.StartAsync(provider);
        await using var _s = server;
        var a = await PortalKit.AuthorityAsync(server, "GB-A-POLICE");
        var user = await PortalKit.PortalUserAsync(server, a, "analyst@a.example.org");
        using var client = await PortalKit.SignInAsync(server, user);
        var token = await RunningServer.FormTokenAsync(client, "/portal/orders/new");
        var response = await client.PostAsync("/portal/orders", PortalKit.Form(token, PortalKit.EmergencyRequest("EDR-2026-001"), PortalKit.Pdf));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/portal/orders?sent=EDR-2026-001", response.Headers.Location?.OriginalString);

        await using (var db = server.Store.Store.CreateContext())
        {
            var order = await db.LegalOrders.AsNoTracking().Include(o => o.Tasks).ThenInclude(t => t.Selectors).Include(o => o.Documents).Include(o => o.Transitions).SingleAsync();
            var userId = (await db.Users.SingleAsync(u => u.Email == user.Email)).Id;
            Assert.Equal((a.Id, LegalInstrument.EmergencyDisclosureRequest, OrderChannel.PortalForm, OrderState.UnderReview, true, userId),
                (order.AuthorityId, order.Instrument, order.Channel, order.State, order.Emergency, order.SubmittedBy));
            Assert.Equal(order.ReceivedAt + TimeSpan.FromHours(8), order.DueAt);
            Assert.False(order.EmergencyCallbackConfirmed);
            var task = Assert.Single(order.Tasks);
            Assert.Equal(DataCategory.SubscriberData, task.Category);
            Assert.Equal(["target@example.org", "203.0.113.7"], task.Selectors.OrderBy(s => s.Id).Select(s => s.Value));
            Assert.Equal(51234, task.Selectors.Single(s => s.Kind == SelectorKind.IpAddress).Port);
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(PortalKit.Pdf)), Assert.Single(order.Documents).Sha256);
            Assert.Equal([(OrderState.Received, OrderState.Authenticated), (OrderState.Authenticated, OrderState.UnderReview)],
                order.Transitions.OrderBy(t => t.Id).Select(t => (t.From, t.To)));

            var events = server.LedgerEntries().Select(e => e.Event).Where(e => e.Subject.Type == OrderLifecycle.SubjectType).ToList();
            Assert.Equal([PortalEndpoints.ActionReceived, "order.authenticated", "order.under_review"], events.Select(e => e.Action));
            Assert.All(events, e => Assert.Equal(order.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), e.Subject.Id));
            Assert.Equal(SHA256.HashData(PortalKit.Pdf), events[0].PayloadSha256);
            Assert.DoesNotContain("target@example.org", string.Concat(events.Select(e => e.Reason)), StringComparison.Ordinal);

            var list = await (await client.GetAsync("/portal/orders")).Content.ReadAsStringAsync();
            Assert.Contains("EDR-2026-001", list, StringComparison.Ordinal);
            Assert.Contains("awaiting verification callback", list, StringComparison.Ordinal);
            var detail = await (await client.GetAsync($"/portal/orders/{order.Id}")).Content.ReadAsStringAsync();
            Assert.Contains("awaiting verification callback", detail, StringComparison.Ordinal);
            Assert.Contains("203.0.113.7", detail, StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Bad_form_input_shows_each_error_beside_its_field_and_creates_nothing(string provider)
    {
        var (server, _) = await PortalKit.StartAsync(provider);
        await using var _s = server;
        var a = await PortalKit.AuthorityAsync(server, "GB-A-POLICE", "LEGAL", "UKUS-OPO");
        using var client = await PortalKit.SignInAsync(server, await PortalKit.PortalUserAsync(server, a, "analyst@a.example.org"));
        var token = await RunningServer.FormTokenAsync(client, "/portal/orders/new");
        (string, string)[] fields =
        [
            ("instrument", "UKUS-OPO"), ("reference", "OPO-1"),
            ("tasks[0].category", "TrafficData"), ("tasks[0].start", "2026-11-01T00:00"), ("tasks[0].end", "2026-10-01T00:00"),
            ("tasks[0].selectors[0].kind", "Username"), ("tasks[0].selectors[0].value", "someone"),
            // Task 2 uses only its third selector row: the error must still point at that row.
            ("tasks[1].category", "SubscriberData"), ("tasks[1].start", "2026-10-01T00:00"), ("tasks[1].end", "2026-11-01T00:00"),
            ("tasks[1].selectors[2].kind", "EmailAddress"), ("tasks[1].selectors[2].value", "*@example.org"),
            ("tasks[1].selectors[0].kind", "Username"), ("tasks[1].selectors[0].value", "ok-user"), ("tasks[1].selectors[0].port", "80"),
        ];
        var response = await client.PostAsync("/portal/orders", PortalKit.Form(token, fields, "not a pdf"u8.ToArray()));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        foreach (var field in new[] { "attestation", "tasks[0].time_range", "tasks[1].selectors[2].value", "tasks[1].selectors[0].port", "document" })
        {
            Assert.Contains($"data-field=\"{field}\"", html, StringComparison.Ordinal);
        }
        Assert.Contains("value=\"OPO-1\"", html, StringComparison.Ordinal);

        // An instrument the authority may not use, an emergency where there is none, and no document at all.
        token = await RunningServer.FormTokenAsync(client, "/portal/orders/new");
        response = await client.PostAsync("/portal/orders", PortalKit.Form(token, [.. PortalKit.EmergencyRequest("EDR-X")]));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        html = await response.Content.ReadAsStringAsync();
        Assert.Contains("data-field=\"instrument\"", html, StringComparison.Ordinal);
        Assert.Contains("data-field=\"document\"", html, StringComparison.Ordinal);

        await using var db = server.Store.Store.CreateContext();
        Assert.Equal(0, await db.LegalOrders.CountAsync());
        Assert.Equal(0, await db.OrderDocuments.CountAsync());
        Assert.Equal(2, server.LedgerEntries().Count(e => e.Event.Action == "order.refused"));
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Forms_posted_without_the_antiforgery_token_are_refused(string provider)
    {
        var (server, accounts) = await PortalKit.StartAsync(provider);
        await using var _s = server;
        var a = await PortalKit.AuthorityAsync(server, "GB-A-POLICE");
        using var portal = await PortalKit.SignInAsync(server, await PortalKit.PortalUserAsync(server, a, "analyst@a.example.org"));
        var r = await portal.PostAsync("/portal/orders", PortalKit.Form(null, PortalKit.EmergencyRequest("EDR-CSRF"), PortalKit.Pdf));
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);

        using var officer = await RunningServer.SignedInAsync(server, accounts[PortalKit.Officer]);
        var create = await officer.PostAsync("/legal/authorities", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["code"] = "FR-CSRF", ["name"] = "x", ["country"] = "FR", ["kind"] = "Police", ["instruments"] = "LEGAL",
        }));
        Assert.Equal(HttpStatusCode.BadRequest, create.StatusCode);
        var disable = await officer.PostAsync("/legal/authorities/GB-A-POLICE/disable", new FormUrlEncodedContent(new Dictionary<string, string> { ["reason"] = "csrf" }));
        Assert.Equal(HttpStatusCode.BadRequest, disable.StatusCode);

        await using var db = server.Store.Store.CreateContext();
        Assert.Equal(0, await db.LegalOrders.CountAsync());
        Assert.Equal(["GB-A-POLICE"], await db.Authorities.Select(x => x.Code).ToListAsync());
        Assert.Null((await db.Authorities.SingleAsync()).DisabledAt);
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Disabling_an_authority_stops_its_signed_in_users_and_refuses_new_sign_ins(string provider)
    {
        var (server, _) = await PortalKit.StartAsync(provider);
        await using var _s = server;
        var a = await PortalKit.AuthorityAsync(server, "GB-A-POLICE");
        var user = await PortalKit.PortalUserAsync(server, a, "analyst@a.example.org");
        using var client = await PortalKit.SignInAsync(server, user);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/portal")).StatusCode);
        using (var scope = server.App.Services.CreateScope())
        {
            Assert.True(await scope.ServiceProvider.GetRequiredService<AuthorityRegistry>().DisableAsync("GB-A-POLICE", "withdrawn", "test", "operator", CancellationToken.None));
        }
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/portal")).StatusCode);
        Assert.Contains(server.LedgerEntries(), e => e.Event.Action == PortalAccess.ActionRefused && e.Event.Actor == user.Email);

        using var again = server.Client();
        Assert.Equal(HttpStatusCode.Redirect, (await RunningServer.PostPasswordAsync(again, user.Email, user.Password)).StatusCode);
        var code = await RunningServer.PostCodeAsync(again, Totp.Code(user.AuthenticatorKey, TimeProvider.System.GetUtcNow()));
        Assert.Equal(HttpStatusCode.Forbidden, code.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await again.GetAsync("/portal")).StatusCode);
        Assert.Contains(server.LedgerEntries(), e => e.Event.Action == AccountAudit.LoginFailed && e.Event.Subject.Id == user.Email
            && e.Event.Reason.Contains("disabled", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Legal_officers_register_authorities_keys_and_portal_users_in_the_web_pages(string provider)
    {
        var (server, accounts) = await PortalKit.StartAsync(provider);
        await using var _s = server;
        using var officer = await RunningServer.SignedInAsync(server, accounts[PortalKit.Officer]);
        const string page = "/legal/authorities/new";

        var bad = await PortalKit.PostFormAsync(officer, page, "/legal/authorities",
            ("code", "FR-PN"), ("name", "Police nationale"), ("country", "FX"), ("kind", "Police"), ("instruments", "LEGAL"), ("instruments", "NOPE"),
            ("callback_numbers", "+33 1 42 68 53 00\nnot a number"), ("referral_endpoint", "http://example.org/"));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var html = await bad.Content.ReadAsStringAsync();
        foreach (var field in new[] { "country", "instruments[1]", "callback_numbers[1]", "referral_endpoint" })
        {
            Assert.Contains($"data-field=\"{field}\"", html, StringComparison.Ordinal);
        }
        await using (var db = server.Store.Store.CreateContext())
        {
            Assert.Equal(0, await db.Authorities.CountAsync());
        }

        var ok = await PortalKit.PostFormAsync(officer, page, "/legal/authorities",
            ("code", "fr-pn"), ("name", "Police nationale"), ("country", "FR"), ("kind", "Police"), ("instruments", "LEGAL"), ("instruments", "EDR"),
            ("callback_numbers", "+33 1 42 68 53 00"));
        Assert.Equal(HttpStatusCode.Redirect, ok.StatusCode);
        Assert.Equal("/legal/authorities/FR-PN", ok.Headers.Location?.OriginalString);

        var badKey = await PortalKit.PostFormAsync(officer, page, "/legal/authorities/FR-PN/keys",
            ("kind", "jws"), ("key_id", "fr-1"), ("algorithm", "ES256"), ("pem", AuthorityKit.RsaPublicKeyPem()));
        Assert.Equal(HttpStatusCode.BadRequest, badKey.StatusCode);
        Assert.Contains("data-field=\"pem\"", await badKey.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var key = await PortalKit.PostFormAsync(officer, page, "/legal/authorities/FR-PN/keys",
            ("kind", "jws"), ("key_id", "fr-1"), ("algorithm", "ES256"), ("pem", AuthorityKit.EcPublicKeyPem()), ("not_after", "2099-01-01T00:00"));
        Assert.Equal(HttpStatusCode.OK, key.StatusCode);
        Assert.Contains("fr-1", await key.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var revoke = await PortalKit.PostFormAsync(officer, page, "/legal/authorities/FR-PN/keys/revoke", ("key_id", "fr-1"), ("reason", "compromised"));
        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        var user = await PortalKit.PostFormAsync(officer, page, "/legal/authorities/FR-PN/users", ("email", "agent@pn.example.fr"));
        Assert.Equal(HttpStatusCode.OK, user.StatusCode);
        Assert.Contains("id=\"new-password\"", await user.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var missing = await officer.GetAsync("/legal/authorities/NO-SUCH");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);

        await using (var db = server.Store.Store.CreateContext())
        {
            var a = await db.Authorities.Include(x => x.Keys).SingleAsync();
            Assert.Equal(("FR-PN", "FR"), (a.Code, a.CountryCode));
            Assert.Equal(["+33142685300"], a.CallbackNumbers);
            Assert.Equal("compromised", Assert.Single(a.Keys).RevocationReason);
            Assert.Equal(a.Id, (await db.Users.SingleAsync(u => u.Email == "agent@pn.example.fr")).AuthorityId);
        }
        var events = server.LedgerEntries().Select(e => e.Event).ToList();
        foreach (var action in new[] { AuthorityRegistry.ActionCreated, AuthorityRegistry.ActionKeyAdded, AuthorityRegistry.ActionKeyRevoked })
        {
            var e = Assert.Single(events, x => x.Action == action);
            Assert.Equal((PortalKit.Officer, StaffRoles.LegalOfficer, "FR-PN"), (e.Actor, e.Role, e.Subject.Id));
        }
        Assert.Contains(events, e => e.Action == AccountAudit.Created && e.Subject.Id == "agent@pn.example.fr" && e.Actor == PortalKit.Officer);
    }
}
