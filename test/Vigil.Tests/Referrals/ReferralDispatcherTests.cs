using Vigil.Authorities;
using Vigil.Pipeline;
using Vigil.Referrals;
using Vigil.Tests.Support;

namespace Vigil.Tests.Referrals;

public sealed class ReferralDispatcherTests
{
    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Referral_is_routed_to_its_country_sealed_delivered_and_acknowledged_with_ledger_events(string provider)
    {
        await using var h = await ReferralHarness.CreateAsync(provider);
        await using var authority = await FakeAuthority.StartAsync();
        var (cert, pem) = ReferralHarness.EncryptionCertificate();
        using var _ = cert;
        authority.PlatformCertificate = h.Signing.Certificate;
        authority.Decryption = cert;
        var platform = await h.PlatformAsync();
        await h.AuthorityAsync("FR-POLICE", "FR", authority.Endpoint);
        var de = await h.AuthorityAsync("DE-POLICE", "DE", authority.Endpoint, encryptionPem: pem);
        var item = await h.ItemAsync(platform, "i1", "I will bomb the market in Berlin", receivedAt: h.Time.GetUtcNow());
        var id = await h.ReferralAsync(item, "DE");
        h.Time.Advance(TimeSpan.FromMilliseconds(750));

        Assert.Equal(1, await h.Dispatcher.RunOnceAsync(CancellationToken.None));

        var r = await h.GetAsync(id);
        Assert.Equal(ReferralState.Acknowledged, r.State);
        Assert.Equal(de.Id, r.AuthorityId);
        Assert.Contains("country DE", r.ChosenBy, StringComparison.Ordinal);
        Assert.True(r.Encrypted);
        Assert.Equal(authority.Receipts[id.ToString(System.Globalization.CultureInfo.InvariantCulture)], r.ReceiptId);
        Assert.Equal(1, r.Attempts);
        Assert.Equal(item.ReceivedAt, r.ItemReceivedAt);
        Assert.Equal(750, r.EndToEndMs!.Value, 3);
        Assert.Equal(h.Time.GetUtcNow(), r.AcknowledgedAt);
        var request = Assert.Single(authority.Requests);
        Assert.Equal(0, authority.Refused);
        Assert.StartsWith("application/pkcs7-mime", request.ContentType, StringComparison.Ordinal);
        Assert.Contains("enveloped-data", request.ContentType, StringComparison.Ordinal);
        Assert.Equal(Convert.ToHexStringLower(r.PackageSha256!), request.PackageSha256);
        Assert.Equal(r.Package, request.Body);
        var actions = h.LedgerEntries().Where(e => e.Event.Subject.Type == ReferralAudit.SubjectType).Select(e => e.Event.Action).ToList();
        Assert.Equal([ReferralAudit.Routed, ReferralAudit.Delivered, ReferralAudit.Acknowledged], actions);
        Assert.All(h.LedgerEntries().Where(e => e.Event.Subject.Type == ReferralAudit.SubjectType),
            e => Assert.DoesNotContain("bomb", e.Event.Reason, StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Routing_falls_back_to_the_state_of_establishment_then_Europol_and_otherwise_stays_visible_as_no_authority(string provider)
    {
        await using var h = await ReferralHarness.CreateAsync(provider, o => o.EstablishmentCountry = "NL");
        await using var authority = await FakeAuthority.StartAsync();
        var platform = await h.PlatformAsync();
        var item = await h.ItemAsync(platform, "i1", "threat");
        var stranded = await h.ReferralAsync(item, "PL");

        // Nothing registered: visible, counted, written to the ledger once, and routed again later.
        await h.Dispatcher.RunOnceAsync(CancellationToken.None);
        var r = await h.GetAsync(stranded);
        Assert.Equal(ReferralState.NoAuthority, r.State);
        Assert.Null(r.AuthorityId);
        Assert.Contains("no reachable authority for country PL", r.ChosenBy, StringComparison.Ordinal);
        await h.Dispatcher.RunOnceAsync(CancellationToken.None);
        Assert.Equal(1, h.Metrics.NoAuthority);
        h.Time.Advance(TimeSpan.FromMinutes(6));
        await h.Dispatcher.RunOnceAsync(CancellationToken.None);
        Assert.Equal(ReferralState.NoAuthority, (await h.GetAsync(stranded)).State);
        Assert.Single(h.LedgerEntries(), e => e.Event.Action == ReferralAudit.NoAuthority);

        // Disabled, not receiving or without an endpoint: not reachable.
        await h.AuthorityAsync("PL-NOENDPOINT", "PL", null);
        await h.AuthorityAsync("PL-NOTRECEIVING", "PL", authority.Endpoint, receives: false);
        await using (var db = h.Store.CreateContext())
        {
            var europol = await h.AuthorityAsync("EUROPOL", "EU", authority.Endpoint, AuthorityKind.Europol);
            Assert.Equal(RoutingRule.Europol, (await ReferralRouting.ChooseAsync(db, "PL", "NL", CancellationToken.None)).Rule);
            var nl = await h.AuthorityAsync("NL-POLICE", "NL", authority.Endpoint);
            var choice = await ReferralRouting.ChooseAsync(db, "PL", "NL", CancellationToken.None);
            Assert.Equal((RoutingRule.Establishment, nl.Id), (choice.Rule, choice.Authority!.Id));
            Assert.Contains("state of establishment NL", choice.Explanation, StringComparison.Ordinal);
            Assert.Equal(RoutingRule.Establishment, (await ReferralRouting.ChooseAsync(db, null, "NL", CancellationToken.None)).Rule);
            var pl = await h.AuthorityAsync("PL-POLICE", "PL", authority.Endpoint);
            Assert.Equal(pl.Id, (await ReferralRouting.ChooseAsync(db, "PL", "NL", CancellationToken.None)).Authority!.Id);
            Assert.NotEqual(europol.Id, pl.Id);
        }

        // The recheck routes the stranded referral once an authority exists.
        h.Time.Advance(TimeSpan.FromMinutes(6));
        await h.Dispatcher.RunOnceAsync(CancellationToken.None);
        r = await h.GetAsync(stranded);
        Assert.Equal(ReferralState.Acknowledged, r.State);
        Assert.Contains("country PL", r.ChosenBy, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Failures_back_off_with_retry_after_and_the_referral_ends_dead_in_the_ledger(string provider)
    {
        await using var h = await ReferralHarness.CreateAsync(provider, o =>
        {
            o.MaxAttempts = 3;
            o.BaseDelay = TimeSpan.FromSeconds(10);
        });
        await using var authority = await FakeAuthority.StartAsync();
        authority.Respond = (_, _) => Task.FromResult(new AuthorityAnswer(503, RetryAfterSeconds: 120));
        var platform = await h.PlatformAsync();
        await h.AuthorityAsync("DE-POLICE", "DE", authority.Endpoint);
        var id = await h.ReferralAsync(await h.ItemAsync(platform, "i1", "threat"), "DE");

        await h.Dispatcher.RunOnceAsync(CancellationToken.None);
        var r = await h.GetAsync(id);
        Assert.Equal((ReferralState.Pending, 1), (r.State, r.Attempts));
        Assert.Equal("HTTP 503 Service Unavailable", r.LastError);
        // Retry-After (120 s) is longer than the backoff (10 s ± 20 %): it wins.
        Assert.Equal(h.Time.GetUtcNow().AddSeconds(120), r.NextAttemptAt);
        Assert.Equal(0, await h.Dispatcher.RunOnceAsync(CancellationToken.None));

        authority.Respond = (_, _) => Task.FromResult(new AuthorityAnswer(500));
        h.Time.Advance(TimeSpan.FromSeconds(120));
        await h.Dispatcher.RunOnceAsync(CancellationToken.None);
        r = await h.GetAsync(id);
        Assert.Equal(2, r.Attempts);
        var delay = r.NextAttemptAt - h.Time.GetUtcNow();
        Assert.InRange(delay, TimeSpan.FromSeconds(16), TimeSpan.FromSeconds(24));

        h.Time.Advance(delay);
        await h.Dispatcher.RunOnceAsync(CancellationToken.None);
        r = await h.GetAsync(id);
        Assert.Equal((ReferralState.Dead, 3), (r.State, r.Attempts));
        var events = h.LedgerEntries().Where(e => e.Event.Subject.Type == ReferralAudit.SubjectType).Select(e => e.Event.Action).ToList();
        Assert.Equal(2, events.Count(a => a == ReferralAudit.Failed));
        Assert.Single(events, a => a == ReferralAudit.Dead);
        // Every attempt sent the same package.
        Assert.Single(authority.Requests.Select(q => q.PackageSha256).Distinct());
        Assert.Equal(["1", "2", "3"], authority.Requests.Select(q => q.Attempt));
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Two_dispatchers_on_one_store_never_send_the_same_referral(string provider)
    {
        await using var h = await ReferralHarness.CreateAsync(provider);
        await using var authority = await FakeAuthority.StartAsync();
        var platform = await h.PlatformAsync();
        await h.AuthorityAsync("DE-POLICE", "DE", authority.Endpoint);
        var ids = new List<long>();
        for (int i = 0; i < 12; i++)
        {
            ids.Add(await h.ReferralAsync(await h.ItemAsync(platform, "i" + i, "threat " + i), "DE"));
        }
        var other = h.SecondDispatcher();

        // Both read the same due rows at the same time; the claim lets only one of them send each.
        var sent = 0;
        for (int round = 0; round < 4; round++)
        {
            sent += (await Task.WhenAll(h.Dispatcher.RunOnceAsync(CancellationToken.None), other.RunOnceAsync(CancellationToken.None))).Sum();
        }

        Assert.Equal(ids.Count, sent);
        Assert.Equal(ids.Count, authority.Requests.Count);
        Assert.Equal(ids.Count, authority.Requests.Select(r => r.ReferralId).Distinct().Count());
        foreach (var id in ids)
        {
            Assert.Equal(ReferralState.Acknowledged, (await h.GetAsync(id)).State);
        }
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task A_2xx_without_a_receipt_is_delivered_but_not_acknowledged(string provider)
    {
        await using var h = await ReferralHarness.CreateAsync(provider);
        await using var authority = await FakeAuthority.StartAsync();
        authority.Respond = (_, _) => Task.FromResult(new AuthorityAnswer(202, Receipt: false));
        var platform = await h.PlatformAsync();
        await h.AuthorityAsync("DE-POLICE", "DE", authority.Endpoint);
        var id = await h.ReferralAsync(await h.ItemAsync(platform, "i1", "threat"), "DE");

        await h.Dispatcher.RunOnceAsync(CancellationToken.None);

        var r = await h.GetAsync(id);
        Assert.Equal(ReferralState.Delivered, r.State);
        Assert.NotNull(r.DeliveredAt);
        Assert.Null(r.AcknowledgedAt);
        Assert.Null(r.EndToEndMs);
        Assert.Contains("without a receipt_id", r.LastError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"receipt_id\":\"R-1\"}", "R-1")]
    [InlineData("{\"receipt_id\":\"\"}", null)]
    [InlineData("{\"receipt_id\":42}", null)]
    [InlineData("not json", null)]
    [InlineData("[\"R-1\"]", null)]
    public void Receipt_ids_are_read_from_the_acknowledgement_body_only_when_well_formed(string body, string? expected) =>
        Assert.Equal(expected, ReferralDispatcher.ReceiptOf(body));

    [Fact]
    public void Backoff_doubles_is_capped_and_jittered_within_twenty_percent()
    {
        var o = new ReferralOptions { BaseDelay = TimeSpan.FromSeconds(2), MaxDelay = TimeSpan.FromSeconds(60) };
        Assert.Equal(TimeSpan.FromSeconds(2), ReferralRetry.Delay(1, o, 0.5, null));
        Assert.Equal(TimeSpan.FromSeconds(8), ReferralRetry.Delay(3, o, 0.5, null));
        Assert.Equal(TimeSpan.FromSeconds(60), ReferralRetry.Delay(20, o, 0.5, null));
        Assert.Equal(TimeSpan.FromSeconds(1.6), ReferralRetry.Delay(1, o, 0, null));
        Assert.Equal(TimeSpan.FromSeconds(30), ReferralRetry.Delay(1, o, 0.5, TimeSpan.FromSeconds(30)));
        Assert.Equal(TimeSpan.FromSeconds(60), ReferralRetry.Delay(1, o, 0.5, TimeSpan.FromHours(3)));
    }
}
