using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Vigil.Authorities;
using Vigil.Hi1;
using Vigil.Orders;
using Vigil.Tests.Support;

namespace Vigil.Tests.Hi1;

public sealed class Hi1IntakeTests
{
    private static string VectorPath => Repo.Shared("vectors", "hi1", "create-production-order.json");

    private static string XmlPath => Path.Combine(Repo.Root, "test", "Vigil.Tests", "Hi1", "create-production-order.xml");

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Shared_vector_in_json_and_the_same_order_in_xml_are_accepted_and_become_orders_under_review(string provider)
    {
        Assert.StartsWith("../shared/vectors/hi1/", Path.GetRelativePath(Repo.Root, VectorPath).Replace('\\', '/'), StringComparison.Ordinal);
        // The vector's authorisation runs 2026-11-27 to 2026-12-27: the server runs at the vector's own timestamp, so
        // the test does not start failing when that period ends.
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-27T09:00:00Z", CultureInfo.InvariantCulture));
        await using var s = await Hi1Server.StartAsync(provider, clock);
        var vector = await File.ReadAllBytesAsync(VectorPath);
        var json = await s.PostAsync(s.Signers["gb-es256"].Sign(vector, clock.GetUtcNow()));
        Assert.True(json.Status == 200, json.Body);
        Assert.Equal("application/json", json.ContentType);
        using (var doc = JsonDocument.Parse(json.Body))
        {
            var responses = doc.RootElement.GetProperty("Payload").GetProperty("ResponsePayload").GetProperty("ActionResponses").GetProperty("ActionResponse");
            Assert.Equal(3, responses.GetArrayLength());
            Assert.Equal("9d1b2c3a-6e5f-4a70-8b9c-1d2e3f405162", responses[0].GetProperty("CREATEResponse").GetProperty("Identifier").GetString());
            Assert.Equal("2c1bf5b3-1b8f-4d95-9b58-ab4c9e8d1b02", responses[1].GetProperty("CREATEResponse").GetProperty("Identifier").GetString());
        }

        var xml = await s.PostAsync(s.Signers["gb-eddsa"].Sign(await File.ReadAllBytesAsync(XmlPath), clock.GetUtcNow()));
        Assert.True(xml.Status == 200, xml.Body);
        Assert.Equal("application/xml", xml.ContentType);
        Assert.Contains("<Identifier>4b0f3c2e-1d6a-4e8b-9f7c-5a3d2e1f0b9a</Identifier>", xml.Body, StringComparison.Ordinal);

        await using var db = s.Server.Store.Store.CreateContext();
        var orders = await db.LegalOrders.Include(o => o.Tasks).ThenInclude(t => t.Selectors).Include(o => o.Documents).Include(o => o.Transitions)
            .OrderBy(o => o.Id).ToListAsync();
        Assert.Equal(2, orders.Count);
        var first = orders[0];
        Assert.Equal(LegalInstrument.GenericLegalProcess, first.Instrument);
        Assert.Equal(OrderState.UnderReview, first.State);
        Assert.Equal(OrderChannel.Hi1Json, first.Channel);
        Assert.Equal("PO-2026-000123", first.Reference);
        Assert.Equal("gb-es256", first.SubmittedBy);
        Assert.Equal(first.ReceivedAt + TimeSpan.FromDays(14), first.DueAt);
        Assert.Equal([OrderState.Authenticated, OrderState.UnderReview], first.Transitions.OrderBy(t => t.Id).Select(t => t.To));
        var sel = Assert.Single(Assert.Single(first.Tasks).Selectors);
        Assert.Equal((SelectorKind.EmailAddress, "suspect@example.org"), (sel.Kind, sel.Value));
        Assert.Equal(DataCategory.SubscriberData, first.Tasks[0].Category);
        var document = Assert.Single(first.Documents);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(document.Content)), document.Sha256);
        Assert.StartsWith("%PDF", Encoding.ASCII.GetString(document.Content), StringComparison.Ordinal);

        var second = orders[1];
        Assert.Equal(OrderChannel.Hi1Xml, second.Channel);
        Assert.Equal(DataCategory.TrafficData, second.Tasks[0].Category);
        Assert.Equal(
            [(SelectorKind.PhoneNumber, "+442079460018", (int?)null), (SelectorKind.IpAddress, "203.0.113.7", 51234), (SelectorKind.AccountId, "u4711", null)],
            second.Tasks[0].Selectors.OrderBy(x => x.Id).Select(x => (x.Kind, x.Value, x.Port)));
        // Generic legal process does not preserve on receipt.
        Assert.Equal(0, await db.PreservationHolds.CountAsync());

        var received = s.Server.LedgerEntries().Where(e => e.Event.Action == Hi1Intake.OrderReceived).ToList();
        Assert.Equal(2, received.Count);
        Assert.Equal("gb-es256", received[0].Event.Actor);
        Assert.NotNull(received[0].Event.PayloadSha256);
        Assert.Contains(s.Server.LedgerEntries(), e => e.Event.Action == "order.under_review" && e.Event.Subject.Id == first.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Contains(s.Server.LedgerEntries(), e => e.Event.Action == "order.document_stored" && e.Event.Reason.Contains(document.Sha256, StringComparison.Ordinal));
        Assert.DoesNotContain(s.Server.LedgerEntries(), e => e.Event.Reason.Contains("suspect@", StringComparison.OrdinalIgnoreCase));

        // The same CREATE again (a retry with a fresh nonce) is answered the same way and makes no second order.
        var again = await s.PostAsync(s.Signers["gb-ps256"].Sign(vector, clock.GetUtcNow()));
        Assert.True(again.Status == 200, again.Body);
        Assert.Contains("9d1b2c3a-6e5f-4a70-8b9c-1d2e3f405162", again.Body, StringComparison.Ordinal);
        Assert.Equal(2, await s.OrderCountAsync());
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task E_evidence_tco_and_uk_us_orders_map_their_flags_and_epoc_places_preservation_holds_on_receipt(string provider)
    {
        await using var s = await Hi1Server.StartAsync(provider);
        var now = Hi1Server.Now;
        var epoc = new Hi1OrderSpec("DE", Hi1Server.De, "EPOC", "EPOC-1",
        [
            new Hi1TaskSpec("SubscriberData", now.AddDays(-60), now.AddDays(-1), [new("VIGIL", "AccountId", "u123"), new("ETSI", "EmailAddress", "a@example.de")]),
            new Hi1TaskSpec("TrafficData", now.AddDays(-10), now.AddDays(-1), [new("VIGIL", "AccountId", "u123")]),
        ])
        {
            Emergency = true,
            EnforcingAuthority = "IE-GARDA",
            UserNoticeNotBefore = now.AddDays(90),
        };
        var r = await s.SendAsync("de-es256", Hi1Requests.Create(epoc, now), Hi1Encoding.Xml);
        Assert.True(r.Status == 200, r.Body);
        var pr = new Hi1OrderSpec("DE", Hi1Server.De, "EPOC-PR", "EPOC-PR-1",
            [new Hi1TaskSpec("StoredContentData", now.AddDays(-60), now.AddDays(-1), [new("VIGIL", "Username", "Someone")])]);
        Assert.Equal(200, (await s.SendAsync("de-es256", Hi1Requests.Create(pr, now))).Status);
        var tco = new Hi1OrderSpec("DE", Hi1Server.De, "TCO", "TCO-1",
            [new Hi1TaskSpec(null, null, null, [new("VIGIL", "URL", "https://platform.example/p/1"), new("VIGIL", "ItemId", "item-42")])]);
        Assert.Equal(200, (await s.SendAsync("de-es256", Hi1Requests.Create(tco, now))).Status);
        var ukus = Hi1Server.GbOrder() with { LegalType = "OverseasProductionOrder", NotUsPerson = true };
        var u = await s.SendAsync("gb-ps256", Hi1Requests.Create(ukus, now));
        Assert.True(u.Status == 200, u.Body);

        await using var db = s.Server.Store.Store.CreateContext();
        var orders = await db.LegalOrders.Include(o => o.Tasks).ThenInclude(t => t.Selectors).OrderBy(o => o.Id).ToListAsync();
        Assert.Equal(4, orders.Count);
        var o1 = orders[0];
        Assert.Equal(LegalInstrument.EuProductionOrder, o1.Instrument);
        Assert.True(o1.Emergency);
        Assert.Equal(o1.ReceivedAt + TimeSpan.FromHours(8), o1.DueAt);
        Assert.Equal("IE-GARDA", o1.EnforcingAuthority);
        Assert.Equal(now.AddDays(90).ToUnixTimeSeconds(), o1.UserNoticeNotBefore!.Value.ToUnixTimeSeconds());
        var holds1 = await db.PreservationHolds.Where(h => h.OrderId == o1.Id).ToListAsync();
        // Selector x category x range: u123/Subscriber, a@example.de/Subscriber, u123/Traffic.
        Assert.Equal(3, holds1.Count);
        Assert.All(holds1, h => Assert.Equal(h.HeldAt + PreservationHolds.DefaultPeriod, h.ExpiresAt));
        var o2 = orders[1];
        Assert.Equal(LegalInstrument.EuPreservationOrder, o2.Instrument);
        Assert.Equal(TaskKind.Preservation, o2.Tasks[0].Kind);
        Assert.Equal("someone", o2.Tasks[0].Selectors[0].Value);
        var hold2 = Assert.Single(await db.PreservationHolds.Where(h => h.OrderId == o2.Id).ToListAsync());
        Assert.Equal(hold2.HeldAt + TimeSpan.FromDays(60), hold2.ExpiresAt);
        var o3 = orders[2];
        Assert.Equal(TaskKind.Removal, o3.Tasks[0].Kind);
        Assert.Equal([SelectorKind.Url, SelectorKind.ItemId], o3.Tasks[0].Selectors.OrderBy(x => x.Id).Select(x => x.Kind));
        Assert.Equal(0, await db.PreservationHolds.CountAsync(h => h.OrderId == o3.Id));
        Assert.Equal(LegalInstrument.UkUsOverseasProductionOrder, orders[3].Instrument);
        Assert.True(orders[3].NotUsPersonAttested);
        Assert.Contains(s.Server.LedgerEntries(), e => e.Event.Action == "order.preservation_placed" && e.Event.Subject.Id == o1.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Get_and_list_answer_only_with_the_callers_own_orders(string provider)
    {
        await using var s = await Hi1Server.StartAsync(provider);
        var now = Hi1Server.Now;
        var gbOrder = Hi1Server.GbOrder();
        Assert.Equal(200, (await s.SendAsync("gb-es256", Hi1Requests.Create(gbOrder, now))).Status);
        var deOrder = new Hi1OrderSpec("DE", Hi1Server.De, "EPOC", "EPOC-9",
            [new Hi1TaskSpec("SubscriberData", now.AddDays(-5), now.AddDays(-1), [new("VIGIL", "AccountId", "u9")])]);
        Assert.Equal(200, (await s.SendAsync("de-es256", Hi1Requests.Create(deOrder, now))).Status);

        var get = await s.SendAsync("gb-es256", Hi1Requests.Get("GB", Hi1Server.Gb, gbOrder.ObjectId, now));
        Assert.True(get.Status == 200, get.Body);
        Assert.Contains("UnderReview", get.Body, StringComparison.Ordinal);
        Assert.Contains(gbOrder.Reference, get.Body, StringComparison.Ordinal);
        var task = await s.SendAsync("gb-es256", Hi1Requests.Get("GB", Hi1Server.Gb, gbOrder.Tasks[0].ObjectId, now), Hi1Encoding.Xml);
        Assert.True(task.Status == 200, task.Body);
        Assert.Contains("LDTaskObject", task.Body, StringComparison.Ordinal);
        Assert.Contains("Pending", task.Body, StringComparison.Ordinal);

        // Another authority's object is "not found", exactly like one that does not exist.
        var foreign = await s.SendAsync("gb-es256", Hi1Requests.Get("GB", Hi1Server.Gb, deOrder.ObjectId, now));
        Assert.Equal(422, foreign.Status);
        Assert.Equal(["not_found"], Hi1Server.Codes(foreign.Body));

        var list = await s.SendAsync("gb-es256", Hi1Requests.List("GB", Hi1Server.Gb, now));
        Assert.True(list.Status == 200, list.Body);
        Assert.Contains(gbOrder.ObjectId, list.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(deOrder.ObjectId, list.Body, StringComparison.Ordinal);
        var deList = await s.SendAsync("de-es256", Hi1Requests.List("DE", Hi1Server.De, now), Hi1Encoding.Xml);
        Assert.Contains(deOrder.ObjectId, deList.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(gbOrder.ObjectId, deList.Body, StringComparison.Ordinal);
        Assert.Contains("<Status>UnderReview</Status>", deList.Body, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Concurrent_requests_create_each_order_once_refuse_every_replay_and_answer_a_repeated_create_with_the_same_order(string provider)
    {
        await using var s = await Hi1Server.StartAsync(provider);
        var now = Hi1Server.Now;
        var signer = s.Signers["gb-es256"];
        var orders = Enumerable.Range(0, 24).Select(_ => Hi1Server.GbOrder()).ToList();
        var replayed = signer.Sign(Hi1Codec.Write(Hi1Requests.Create(orders[0], now), Hi1Encoding.Json), now);
        var repeated = orders[1];

        // At once: 24 distinct orders, the first one's exact request 8 more times (same nonce), and the second order
        // 4 more times under fresh nonces (an authority retrying after a lost answer). The writer batches them together.
        var sends = orders.Skip(1).Select(o => s.SendAsync("gb-es256", Hi1Requests.Create(o, now)))
            .Concat(Enumerable.Range(0, 9).Select(_ => s.PostAsync(replayed)))
            .Concat(Enumerable.Range(0, 4).Select(_ => s.SendAsync("gb-es256", Hi1Requests.Create(repeated, now))))
            .ToList();
        var answers = await Task.WhenAll(sends);

        var accepted = answers.Count(a => a.Status == 200);
        var replays = answers.Where(a => a.Status != 200).ToList();
        Assert.Equal(23 + 1 + 4, accepted);
        Assert.Equal(8, replays.Count);
        Assert.All(replays, r => Assert.Equal(["replay"], Hi1Server.Codes(r.Body)));
        Assert.Equal(24, await s.OrderCountAsync());
        await using var db = s.Server.Store.Store.CreateContext();
        var ids = await db.LegalOrders.Select(o => o.Hi1ObjectId).ToListAsync();
        Assert.Equal(orders.Select(o => o.ObjectId.ToLowerInvariant()).Order(), ids.Order());
        Assert.All(await db.LegalOrders.Include(o => o.Transitions).ToListAsync(), o =>
        {
            Assert.Equal(OrderState.UnderReview, o.State);
            Assert.Equal(2, o.Transitions.Count);
        });
        // Every repeated CREATE answered with the one order's identifier.
        Assert.All(answers.Where(a => a.Status == 200 && a.Body.Contains(repeated.ObjectId, StringComparison.OrdinalIgnoreCase)), a =>
            Assert.Empty(Hi1Server.Codes(a.Body)));
        Assert.Equal(5, answers.Count(a => a.Status == 200 && a.Body.Contains(repeated.ObjectId, StringComparison.OrdinalIgnoreCase)));
        // The ledger: one order_received per order, one refusal per replay.
        var ledger = s.Server.LedgerEntries().ToList();
        Assert.Equal(24, ledger.Count(e => e.Event.Action == Hi1Intake.OrderReceived));
        Assert.Equal(8, ledger.Count(e => e.Event.Action == Hi1Intake.Refused && e.Event.Reason == "replay"));
    }
}
