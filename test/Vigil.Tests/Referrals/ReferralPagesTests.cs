using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Accounts;
using Vigil.Authorities;
using Vigil.Ingest;
using Vigil.Moderation;
using Vigil.Pipeline;
using Vigil.Tests.Server;
using Vigil.Tests.Support;

namespace Vigil.Tests.Referrals;

public sealed class ReferralPagesTests
{
    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Moderator_refers_a_case_legal_sees_it_and_only_the_chosen_authority_sees_it_in_its_portal(string provider)
    {
        var (server, accounts) = await RunningServer.StartAsync(provider, ("mod@example.org", StaffRoles.Moderator), ("legal@example.org", StaffRoles.LegalOfficer));
        await using var _ = server;
        await using var authority = await FakeAuthority.StartAsync();
        long caseId, de, fr;
        await using (var db = server.Store.Store.CreateContext())
        {
            var now = TimeProvider.System.GetUtcNow();
            db.Platforms.Add(new Vigil.Platforms.Platform { Name = "p1", CreatedAt = now });
            await db.SaveChangesAsync();
            var platformId = await db.Platforms.Select(p => p.Id).SingleAsync();
            var item = new IngestItem { PlatformId = platformId, ItemId = "t1", Type = "post", AccountId = "a1", CreatedAt = now, ReceivedAt = now, Text = "threat", Metadata = "{\"country\":\"DE\"}" };
            db.IngestItems.Add(item);
            var da = new Authority { Code = "DE-P", CountryCode = "DE", Name = "DE police", Kind = AuthorityKind.Police, ReceivesReferrals = true, ReferralEndpoint = authority.Endpoint.ToString(), CreatedAt = now, UpdatedAt = now };
            var fa = new Authority { Code = "FR-P", CountryCode = "FR", Name = "FR police", Kind = AuthorityKind.Police, ReceivesReferrals = true, ReferralEndpoint = authority.Endpoint.ToString(), CreatedAt = now, UpdatedAt = now };
            db.Authorities.AddRange(da, fa);
            await db.SaveChangesAsync();
            var c = ReviewQueue.Enqueue(db, new ReviewRequest(platformId, item.Id, "imminent-threat", 5, null, "flagged"), now);
            await db.SaveChangesAsync();
            (caseId, de, fr) = (c.Id, da.Id, fa.Id);
        }

        using var mod = await RunningServer.SignedInAsync(server, accounts["mod@example.org"]);
        var page = await (await mod.GetAsync($"/desk/cases/{caseId}")).Content.ReadAsStringAsync();
        Assert.Contains("id=\"refer-form\"", page, StringComparison.Ordinal);
        Assert.Contains("name=\"country\" value=\"DE\"", page, StringComparison.Ordinal);
        var token = await RunningServer.FormTokenAsync(mod, $"/desk/cases/{caseId}");
        var bad = await mod.PostAsync($"/desk/cases/{caseId}/refer", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token, ["country"] = "DEU", ["reason"] = "x" }));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("country: give an ISO 3166-1 alpha-2 code", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var ok = await mod.PostAsync($"/desk/cases/{caseId}/refer", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token, ["country"] = "de", ["reason"] = "names a school and a time" }));
        Assert.Equal(HttpStatusCode.Created, ok.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await mod.GetAsync("/legal/referrals")).StatusCode);

        long referralId = 0;
        var started = System.Diagnostics.Stopwatch.StartNew();
        while (started.Elapsed < TimeSpan.FromSeconds(30))
        {
            await using var db = server.Store.Store.CreateContext();
            var r = await db.Referrals.AsNoTracking().SingleAsync();
            referralId = r.Id;
            if (r.State == ReferralState.Acknowledged)
            {
                Assert.Equal((de, "mod@example.org", "DE"), (r.AuthorityId!.Value, r.CreatedBy, r.AuthorityCountry));
                break;
            }
            await Task.Delay(50);
        }
        Assert.Contains(server.LedgerEntries(), e => e.Event.Action == "referral.created" && e.Event.Actor == "mod@example.org");
        Assert.Contains(server.LedgerEntries(), e => e.Event.Action == "referral.refused");

        using var legal = await RunningServer.SignedInAsync(server, accounts["legal@example.org"]);
        var legalPage = await (await legal.GetAsync("/legal/referrals")).Content.ReadAsStringAsync();
        Assert.Contains("<dd id=\"count-acknowledged\">1</dd>", legalPage, StringComparison.Ordinal);

        using var dePortal = await PortalUserAsync(server, "de@police.example", de);
        using var frPortal = await PortalUserAsync(server, "fr@police.example", fr);
        Assert.Contains($"/portal/referrals/{referralId}", await (await dePortal.GetAsync("/portal/referrals")).Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await dePortal.GetAsync($"/portal/referrals/{referralId}")).StatusCode);
        var package = await dePortal.GetAsync($"/portal/referrals/{referralId}/package");
        Assert.Equal("application/pkcs7-mime", package.Content.Headers.ContentType?.MediaType);
        Assert.Equal(authority.Requests[^1].Body, await package.Content.ReadAsByteArrayAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await frPortal.GetAsync($"/portal/referrals/{referralId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await frPortal.GetAsync($"/portal/referrals/{referralId}/package")).StatusCode);
        Assert.DoesNotContain($"/portal/referrals/{referralId}", await (await frPortal.GetAsync("/portal/referrals")).Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static async Task<HttpClient> PortalUserAsync(RunningServer server, string email, long authorityId)
    {
        await using var scope = server.App.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<StaffUser>>();
        var roles = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>();
        if (!await roles.RoleExistsAsync(StaffRoles.AuthorityUser))
        {
            await roles.CreateAsync(new IdentityRole(StaffRoles.AuthorityUser));
        }
        const string password = "Portal-Password-123456!";
        var user = new StaffUser { UserName = email, Email = email, EmailConfirmed = true, TwoFactorEnabled = true, AuthorityId = authorityId };
        Assert.True((await users.CreateAsync(user, password)).Succeeded);
        await users.ResetAuthenticatorKeyAsync(user);
        var key = (await users.GetAuthenticatorKeyAsync(user))!;
        await users.AddToRoleAsync(user, StaffRoles.AuthorityUser);
        return await RunningServer.SignedInAsync(server, new NewStaffAccount(email, password, key, ""));
    }
}
