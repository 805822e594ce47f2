using System.Net;
using System.Text;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Accounts;
using Vigil.Tests.Support;

namespace Vigil.Tests.Server;

public sealed class ServerTests
{
    private const string Overseer = "olga@example.org";
    private const string Moderator = "mo@example.org";

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Ledger_api_is_open_to_a_signed_in_overseer_only(string provider)
    {
        var (server, accounts) = await RunningServer.StartAsync(provider, (Overseer, StaffRoles.Overseer), (Moderator, StaffRoles.Moderator));
        await using var _ = server;

        using var anonymous = server.Client();
        var anon = await anonymous.GetAsync("/ledger/checkpoint");
        Assert.Equal(HttpStatusCode.Redirect, anon.StatusCode);
        Assert.StartsWith("/login", anon.Headers.Location!.AbsolutePath, StringComparison.Ordinal);

        using var overseer = await RunningServer.SignedInAsync(server, accounts[Overseer]);
        var ok = await overseer.GetAsync("/ledger/checkpoint");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.StartsWith(server.Ledger.Origin + "\n", await ok.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var moderator = await RunningServer.SignedInAsync(server, accounts[Moderator]);
        Assert.Equal(HttpStatusCode.Forbidden, (await moderator.GetAsync("/ledger/checkpoint")).StatusCode);
        var home = await moderator.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
        Assert.Contains(Moderator, await home.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var logins = server.LedgerEntries().Where(e => e.Event.Action == AccountAudit.Login).Select(e => (e.Event.Actor, e.Event.Role)).ToList();
        Assert.Equal([(Overseer, StaffRoles.Overseer), (Moderator, StaffRoles.Moderator)], logins);
        var created = server.LedgerEntries().Where(e => e.Event.Action == AccountAudit.RoleGranted).Select(e => (e.Event.Subject.Id, e.Event.Reason)).ToList();
        Assert.Equal([(Overseer, "role overseer"), (Moderator, "role moderator")], created);
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Failed_logins_lock_the_account_and_every_failure_is_in_the_ledger_without_the_password(string provider)
    {
        var (server, accounts) = await RunningServer.StartAsync(provider, (Moderator, StaffRoles.Moderator));
        await using var _ = server;
        using var client = server.Client();
        const string wrong = "Wrong-password-12345!";

        for (int i = 1; i < StaffIdentity.MaxFailedAccessAttempts; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await RunningServer.PostPasswordAsync(client, Moderator, wrong)).StatusCode);
        }
        Assert.Equal(HttpStatusCode.Locked, (await RunningServer.PostPasswordAsync(client, Moderator, wrong)).StatusCode);
        // Locked: even the right password is refused now.
        Assert.Equal(HttpStatusCode.Locked, (await RunningServer.PostPasswordAsync(client, Moderator, accounts[Moderator].Password)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await RunningServer.PostPasswordAsync(client, "nobody@example.org", wrong)).StatusCode);

        var entries = server.LedgerEntries();
        var about = entries.Where(e => e.Event.Subject.Id == Moderator).Select(e => e.Event.Action).ToList();
        Assert.Equal(
            [AccountAudit.Created, AccountAudit.RoleGranted,
             .. Enumerable.Repeat(AccountAudit.LoginFailed, StaffIdentity.MaxFailedAccessAttempts - 1),
             AccountAudit.LockedOut, AccountAudit.LockedOut],
            about);
        Assert.Equal(AccountAudit.LoginFailed, entries[^1].Event.Action);
        Assert.Equal("nobody@example.org", entries[^1].Event.Subject.Id);
        foreach (var e in entries)
        {
            var json = Encoding.UTF8.GetString(e.CanonicalJson);
            Assert.DoesNotContain(wrong, json, StringComparison.Ordinal);
            Assert.DoesNotContain(accounts[Moderator].Password, json, StringComparison.Ordinal);
            Assert.DoesNotContain(accounts[Moderator].AuthenticatorKey, json, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_wrong_totp_code_is_refused_and_recorded_as_a_two_factor_failure()
    {
        var (server, accounts) = await RunningServer.StartAsync("sqlite", (Overseer, StaffRoles.Overseer));
        await using var _ = server;
        using var client = server.Client();
        Assert.Equal(HttpStatusCode.Redirect, (await RunningServer.PostPasswordAsync(client, Overseer, accounts[Overseer].Password)).StatusCode);
        var right = Totp.Code(accounts[Overseer].AuthenticatorKey, TimeProvider.System.GetUtcNow());
        var wrongCode = ((int.Parse(right, System.Globalization.CultureInfo.InvariantCulture) + 500_000) % 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(HttpStatusCode.Unauthorized, (await RunningServer.PostCodeAsync(client, wrongCode)).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/ledger/checkpoint")).StatusCode);

        var last = server.LedgerEntries()[^1].Event;
        Assert.Equal((AccountAudit.TwoFactorFailed, Overseer), (last.Action, last.Subject.Id));
        Assert.DoesNotContain(wrongCode, last.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sign_in_returns_to_the_page_asked_for_but_never_to_another_site()
    {
        var (server, accounts) = await RunningServer.StartAsync("sqlite", (Overseer, StaffRoles.Overseer));
        await using var _ = server;
        using var client = server.Client();
        var bounced = await client.GetAsync("/ledger/checkpoint");
        Assert.Equal("/login?ReturnUrl=%2Fledger%2Fcheckpoint", bounced.Headers.Location!.PathAndQuery);
        var page = await (await client.GetAsync(bounced.Headers.Location.PathAndQuery)).Content.ReadAsStringAsync();
        Assert.Contains("name=\"returnUrl\" value=\"/ledger/checkpoint\"", page, StringComparison.Ordinal);

        var first = await RunningServer.PostPasswordAsync(client, Overseer, accounts[Overseer].Password, "/ledger/checkpoint");
        Assert.Equal("/login/2fa?ReturnUrl=%2Fledger%2Fcheckpoint", first.Headers.Location?.OriginalString);
        var second = await RunningServer.PostCodeAsync(client, Totp.Code(accounts[Overseer].AuthenticatorKey, TimeProvider.System.GetUtcNow()), "/ledger/checkpoint");
        Assert.Equal("/ledger/checkpoint", second.Headers.Location?.OriginalString);

        foreach (var outside in new[] { "//evil.example/x", "/\\evil.example", "https://evil.example/", "ledger", "", "/a\nb" })
        {
            Assert.Equal("/", Vigil.Server.LoginEndpoints.LocalOrRoot(outside));
        }
        Assert.Equal("/ledger/key?x=1", Vigil.Server.LoginEndpoints.LocalOrRoot("/ledger/key?x=1"));
    }

    [Fact]
    public async Task Login_post_without_the_antiforgery_token_is_rejected()
    {
        var (server, accounts) = await RunningServer.StartAsync("sqlite", (Overseer, StaffRoles.Overseer));
        await using var _ = server;
        using var client = server.Client();
        await RunningServer.FormTokenAsync(client, "/login"); // has the cookie half, not the form half
        var response = await client.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["email"] = Overseer,
            ["password"] = accounts[Overseer].Password,
        }));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain(server.LedgerEntries(), e => e.Event.Action is AccountAudit.Login or AccountAudit.LoginFailed);
    }

    [Fact]
    public async Task Every_endpoint_declares_a_policy_or_allows_anonymous_explicitly()
    {
        var (server, _) = await RunningServer.StartAsync("sqlite");
        await using var __ = server;
        var endpoints = server.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();
        Assert.Contains(endpoints, e => e.RoutePattern.RawText == "/ledger/checkpoint");
        Assert.Contains(endpoints, e => e.RoutePattern.RawText == "/openapi/{documentName}.json");
        var anonymous = new List<string>();
        foreach (var e in endpoints)
        {
            var name = e.DisplayName ?? e.RoutePattern.RawText ?? "?";
            if (e.Metadata.GetMetadata<IAllowAnonymous>() is not null)
            {
                anonymous.Add(e.RoutePattern.RawText!);
                continue;
            }
            var policies = e.Metadata.GetOrderedMetadata<IAuthorizeData>();
            Assert.True(policies.Count > 0, name + " declares no authorization");
            Assert.All(policies, p => Assert.False(string.IsNullOrEmpty(p.Policy) && string.IsNullOrEmpty(p.Roles), name + " has [Authorize] without a policy"));
        }
        // Only sign-in, the probes and HI-1 intake are public; HI-1 authenticates every request itself by its JWS
        // signature with a registered authority key (test/Vigil.Tests/Hi1 refuses every unsigned or forged request).
        Assert.Equal(["/health", "/hi1/v1", "/login", "/login", "/login/2fa", "/login/2fa", "/ready", "/static/vigil.css"], anonymous.Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Health_and_ready_answer_anonymously_and_openapi_needs_staff(string provider)
    {
        var (server, accounts) = await RunningServer.StartAsync(provider, (Moderator, StaffRoles.Moderator));
        await using var _ = server;
        using var client = server.Client();
        var health = await client.GetAsync("/health");
        Assert.Equal((HttpStatusCode.OK, "ok\n"), (health.StatusCode, await health.Content.ReadAsStringAsync()));
        var ready = await client.GetAsync("/ready");
        Assert.Equal((HttpStatusCode.OK, "ready\n"), (ready.StatusCode, await ready.Content.ReadAsStringAsync()));
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/openapi/v1.json")).StatusCode);
        // The sign-in page's stylesheet loads before sign-in.
        var css = await client.GetAsync("/static/vigil.css");
        Assert.Equal((HttpStatusCode.OK, "text/css"), (css.StatusCode, css.Content.Headers.ContentType?.MediaType));

        // Behind a local TLS proxy, cookies are marked Secure.
        using var viaProxy = new HttpRequestMessage(HttpMethod.Get, "/login");
        viaProxy.Headers.Add("X-Forwarded-Proto", "https");
        var proxied = await client.SendAsync(viaProxy);
        Assert.Contains(proxied.Headers.GetValues("Set-Cookie"), c => c.StartsWith("vigil.antiforgery=", StringComparison.Ordinal) && c.Contains("secure", StringComparison.OrdinalIgnoreCase));
        using var direct = server.Client();
        var plain = await direct.GetAsync("/login");
        Assert.DoesNotContain(plain.Headers.GetValues("Set-Cookie"), c => c.Contains("secure", StringComparison.OrdinalIgnoreCase));

        using var staff = await RunningServer.SignedInAsync(server, accounts[Moderator]);
        var doc = await staff.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, doc.StatusCode);
        var text = await doc.Content.ReadAsStringAsync();
        Assert.Contains("\"/ledger/checkpoint\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\"/login\"", text, StringComparison.Ordinal);
    }
}
