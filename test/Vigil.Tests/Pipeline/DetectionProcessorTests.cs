using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Vigil.Banks;
using Vigil.Demo;
using Vigil.Hashing.Pdq;
using Vigil.Moderation;
using Vigil.Pipeline;
using Vigil.Tests.Support;

namespace Vigil.Tests.Pipeline;

public sealed class DetectionProcessorTests
{
    private const string Threat = "I will kill the soldiers at the barracks tomorrow";

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement;

    private static List<(string Rule, string Kind, bool? CarriedOut)> Actions(string json) =>
        [.. Json(json).EnumerateArray().Select(a => (
            a.GetProperty("rule_id").GetString()!,
            a.GetProperty("kind").GetString()!,
            a.TryGetProperty("carried_out", out var c) ? c.GetBoolean() : (bool?)null))];

    private static List<string> Fired(string json) => [.. Json(json).EnumerateArray().Select(f => f.GetProperty("rule_id").GetString()!)];

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Rotated_repost_of_a_banked_image_is_removed_preserved_queued_announced_and_ledgered(string provider)
    {
        await using var kit = await PipelineKit.CreateAsync(provider);
        using var poster = DemoImages.Poster(7);
        var bankHash = new PdqWorkspace().HashImage(DemoImages.Png(poster)).Hash.ToString();
        await kit.AddBankEntryAsync("tvec", SignalType.Pdq, bankHash, severity: 4);
        using var rotated = DemoImages.Rotate90(poster);
        var repost = DemoImages.Jpeg(rotated, 80);
        await kit.AddAsync(kit.Item("img1", type: "image", account: "u9", image: repost));

        var outcome = await kit.ProcessAsync();

        Assert.Equal(1, outcome.Claimed);
        var decision = Assert.Single(await kit.DecisionsAsync("img1"));
        Assert.Equal(["tvec-known-bank-match"], Fired(decision.FiredRules));
        Assert.Equal(
            [("tvec-known-bank-match", "remove", true), ("tvec-known-bank-match", "preserve_evidence", true), ("tvec-known-bank-match", "review", true)],
            Actions(decision.EnforcedActions));
        Assert.Empty(Actions(decision.ShadowActions));
        Assert.Equal(PipelineRules.FolderVersion(kit.RulesFolder), decision.RulesVersion);
        var hit = Json(decision.Signals).GetProperty("bank_hits").EnumerateArray().First();
        Assert.Equal("tvec", hit.GetProperty("bank").GetString());
        Assert.Equal("pdq", hit.GetProperty("signal_type").GetString());
        Assert.NotEqual("pdq", hit.GetProperty("via").GetString()); // matched through a rotation, not as posted
        var distance = hit.GetProperty("distance").GetInt32();
        Assert.InRange(distance, 0, 31);
        Assert.Equal(4, hit.GetProperty("labels").GetProperty("severity").GetInt32());

        var itemRow = await kit.ItemRowIdAsync("img1");
        await using var db = kit.Db();
        Assert.NotNull((await db.IngestItems.SingleAsync(i => i.Id == itemRow)).ProcessedAt);
        var removal = await db.ContentActions.SingleAsync();
        Assert.Equal((ContentActionKind.Remove, ActionSource.Automated, "tvec-known-bank-match", decision.Id), (removal.Kind, removal.Source, removal.RuleId, removal.DecisionId));
        Assert.Contains("Example Front", removal.Reason, StringComparison.Ordinal);
        var preserved = await db.Preservations.SingleAsync();
        Assert.Equal(kit.Time.GetUtcNow().AddMonths(6), preserved.ExpiresAt);
        var review = await db.ReviewCases.SingleAsync();
        Assert.Equal(("tvec", ReviewCaseState.Open, itemRow), (review.Queue, review.State, review.IngestItemId));
        Assert.Equal(4 * (1 - (distance / 128.0)), review.Priority, 9);
        var message = await db.OutboxMessages.SingleAsync();
        Assert.Equal("item.removed", message.EventType);
        var payload = Json(message.Payload);
        Assert.Equal("img1", payload.GetProperty("item_id").GetString());
        Assert.Equal("u9", payload.GetProperty("account_id").GetString());
        Assert.Equal("remove", payload.GetProperty("action").GetString());
        Assert.Equal("tvec-known-bank-match", payload.GetProperty("rule_id").GetString());
        Assert.Equal(decision.Id, payload.GetProperty("decision_id").GetInt64());
        Assert.Equal(1, (await db.PlatformAccounts.SingleAsync(a => a.AccountId == "u9")).Strikes);

        var enforcement = kit.LedgerEntries().Where(e => e.Event.Actor == "pipeline" && e.Event.Subject.Type == DetectionProcessor.ItemSubject).ToList();
        Assert.Equal(["item.removed", "item.preserved", "item.review_queued"], enforcement.Select(e => e.Event.Action));
        Assert.All(enforcement, e =>
        {
            Assert.Equal("system", e.Event.Role);
            Assert.Equal($"{kit.PlatformId}/img1", e.Event.Subject.Id);
            Assert.StartsWith("tvec-known-bank-match: ", e.Event.Reason, StringComparison.Ordinal);
            Assert.Equal(SHA256.HashData(repost), e.Event.PayloadSha256);
        });
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Threat_text_is_referred_to_the_items_country_or_else_the_accounts(string provider)
    {
        await using var kit = await PipelineKit.CreateAsync(provider);
        await kit.AddAsync(
            kit.Item("acct-fr", type: "account", account: "u2", metadata: """{"country":"fr"}"""),
            kit.Item("t1", account: "u1", text: Threat, metadata: """{"country":"de","lang":"en"}"""),
            kit.Item("t2", account: "u2", text: Threat));

        var outcome = await kit.ProcessAsync();

        Assert.Equal((3, 2), (outcome.Claimed, outcome.Decisions));
        await using var db = kit.Db();
        var referrals = await db.Referrals.OrderBy(r => r.Id).ToListAsync();
        Assert.Equal([("DE", ReferralState.Pending, "threat-to-life"), ("FR", ReferralState.Pending, "threat-to-life")],
            referrals.Select(r => (r.AuthorityCountry, r.State, r.RuleId)));
        Assert.All(referrals, r => Assert.Contains("kill", r.Reason, StringComparison.Ordinal));
        Assert.Equal(2, await db.Preservations.CountAsync());
        Assert.Equal([("imminent-threat", 100.0), ("imminent-threat", 100.0)], await db.ReviewCases.OrderBy(c => c.Id).Select(c => new ValueTuple<string, double>(c.Queue, c.Priority)).ToListAsync());
        Assert.Equal("FR", (await db.PlatformAccounts.SingleAsync(a => a.AccountId == "u2")).Country);
        Assert.Empty(await db.OutboxMessages.ToListAsync());
        var t1 = Assert.Single(await kit.DecisionsAsync("t1"));
        var evidence = Json(t1.FiredRules)[0].GetProperty("evidence").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.NotEmpty(evidence);
        Assert.Equal("DE", Json(t1.Signals).GetProperty("country").GetString());
        Assert.Equal(2, kit.LedgerEntries().Count(e => e.Event.Action == "item.referred"));
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Shadow_rule_records_what_it_would_do_and_does_nothing(string provider)
    {
        await using var kit = await PipelineKit.CreateAsync(provider);
        await kit.AddAsync(kit.Item("s1", account: "u3", text: "Brothers, join the caliphate today", metadata: """{"country":"DE"}"""));

        await kit.ProcessAsync();

        var decision = Assert.Single(await kit.DecisionsAsync("s1"));
        var fired = Json(decision.FiredRules)[0];
        Assert.Equal(("experimental-recruitment-phrases", "shadow"), (fired.GetProperty("rule_id").GetString(), fired.GetProperty("mode").GetString()));
        Assert.Empty(Actions(decision.EnforcedActions));
        Assert.Equal(
            [("experimental-recruitment-phrases", "review", null), ("experimental-recruitment-phrases", "suspend_account", null)],
            Actions(decision.ShadowActions));
        await using var db = kit.Db();
        Assert.Empty(await db.ReviewCases.ToListAsync());
        Assert.Empty(await db.OutboxMessages.ToListAsync());
        Assert.Empty(await db.ContentActions.ToListAsync());
        Assert.False(await db.PlatformAccounts.AnyAsync(a => a.SuspendedAt != null));
        Assert.DoesNotContain(kit.LedgerEntries(), e => e.Event.Actor == "pipeline" && e.Event.Subject.Type != PipelineRules.SubjectType);
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task End_to_end_encrypted_message_never_fires_text_rules_even_if_a_body_was_stored(string provider)
    {
        await using var kit = await PipelineKit.CreateAsync(provider);
        await kit.AddAsync(
            kit.Item("dm1", type: "direct_message", e2ee: true, metadata: """{"country":"DE"}"""),
            // The ingest API refuses bodies of E2EE messages; a row that has one anyway must still not be read.
            kit.Item("dm2", type: "direct_message", e2ee: true, text: Threat));

        await kit.ProcessAsync();

        foreach (var id in new[] { "dm1", "dm2" })
        {
            var decision = Assert.Single(await kit.DecisionsAsync(id));
            Assert.Empty(Fired(decision.FiredRules));
            Assert.True(Json(decision.Signals).GetProperty("e2ee").GetBoolean());
            Assert.Empty(Json(decision.Signals).GetProperty("bank_hits").EnumerateArray());
        }
        await using var db = kit.Db();
        Assert.Empty(await db.Referrals.ToListAsync());
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Fifth_report_on_an_account_with_two_strikes_restricts_exactly_once(string provider)
    {
        await using var kit = await PipelineKit.CreateAsync(provider);
        await using (var db = kit.Db())
        {
            db.PlatformAccounts.Add(new PlatformAccount { PlatformId = kit.PlatformId, AccountId = "u5", Strikes = 2, UpdatedAt = kit.Time.GetUtcNow() });
            await db.SaveChangesAsync();
        }
        await kit.AddAsync(kit.Item("p1", account: "u5", text: "an ordinary post"));
        await kit.ProcessAsync();

        for (var k = 1; k <= 7; k++)
        {
            await using (var db = kit.Db())
            {
                var stored = await ReportEndpoints.StoreAsync(db, kit.PlatformId, [new ReportInput($"r{k}", "p1", $"reporter{k}", "glorifies violence")], kit.Time.GetUtcNow(), default);
                Assert.Equal(ReportStatus.Accepted, Assert.Single(stored).Status);
            }
            var outcome = await kit.ProcessAsync();
            Assert.Equal(1, outcome.Claimed); // each report re-queued the processed item
            await using (var db = kit.Db())
            {
                Assert.Equal(k >= 5 ? 1 : 0, await db.ContentActions.CountAsync(a => a.Kind == ContentActionKind.Restrict));
            }
        }

        var decisions = await kit.DecisionsAsync("p1");
        Assert.Equal(8, decisions.Count);
        Assert.Equal([0, 0, 0, 0, 0, 1, 1, 1], decisions.Select(d => Fired(d.FiredRules).Count));
        Assert.Equal(
            [("repeat-offender-reported", "restrict", true), ("repeat-offender-reported", "review", true)],
            Actions(decisions[5].EnforcedActions));
        Assert.Equal(
            [("repeat-offender-reported", "restrict", false), ("repeat-offender-reported", "review", false)],
            Actions(decisions[7].EnforcedActions));
        Assert.Equal(7, Json(decisions[7].Signals).GetProperty("reports").GetInt32());
        await using var check = kit.Db();
        Assert.Equal(["item.restricted"], await check.OutboxMessages.Select(m => m.EventType).ToListAsync());
        Assert.Equal(1, await check.ReviewCases.CountAsync());
        Assert.Single(kit.LedgerEntries(), e => e.Event.Action == "item.restricted");
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Bank_entry_added_while_running_is_matched_on_the_next_items(string provider)
    {
        await using var kit = await PipelineKit.CreateAsync(provider);
        var bytes = "not an image, just a leaked file"u8.ToArray();
        await kit.AddAsync(kit.Item("f1", type: "image", image: bytes));
        await kit.ProcessAsync();
        Assert.Empty(Fired(Assert.Single(await kit.DecisionsAsync("f1")).FiredRules));

        await kit.AddBankEntryAsync("tvec", SignalType.Md5, Convert.ToHexStringLower(MD5.HashData(bytes)), severity: 5);
        kit.Time.Advance(TimeSpan.FromSeconds(3)); // past the bank re-check interval
        await kit.AddAsync(kit.Item("f2", type: "image", image: bytes));
        await kit.ProcessAsync();

        var decision = Assert.Single(await kit.DecisionsAsync("f2"));
        Assert.Equal(["tvec-known-bank-match"], Fired(decision.FiredRules));
        Assert.Contains("no PDQ", decision.Notes, StringComparison.Ordinal);
        await using var db = kit.Db();
        Assert.Equal(1, await db.ContentActions.CountAsync());
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Corrupt_image_is_decided_with_a_note_and_does_not_block_the_batch(string provider)
    {
        await using var kit = await PipelineKit.CreateAsync(provider);
        using var poster = DemoImages.Poster(3);
        var png = DemoImages.Png(poster);
        var truncated = png[..(png.Length / 3)];
        await kit.AddAsync(
            kit.Item("bad", type: "image", image: truncated),
            kit.Item("junk", type: "image", image: [0x89, 0x50, 0x4e, 0x47, 0xff, 0xff, 0xff, 0xff]),
            kit.Item("threat", text: Threat, metadata: """{"country":"NL"}"""),
            kit.Item("fine", type: "image", image: png));

        var outcome = await kit.ProcessAsync();

        Assert.Equal((4, 4), (outcome.Claimed, outcome.Decisions));
        Assert.Contains("no PDQ", Assert.Single(await kit.DecisionsAsync("junk")).Notes, StringComparison.Ordinal);
        Assert.Null(Assert.Single(await kit.DecisionsAsync("fine")).Notes);
        await using var db = kit.Db();
        Assert.Equal("NL", (await db.Referrals.SingleAsync()).AuthorityCountry);
        Assert.False(await db.IngestItems.AnyAsync(i => i.ProcessedAt == null));
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Bad_rules_file_keeps_the_previous_rules_and_reports_the_line(string provider)
    {
        await using var kit = await PipelineKit.CreateAsync(provider);
        var before = kit.Rules.Active!;
        await File.WriteAllTextAsync(Path.Combine(kit.RulesFolder, "zz-bad.yaml"), "rules:\n  - id: broken\n    mode: enforce\n    when: {no_such_condition: 1}\n    then: [remove]\n");

        await kit.Rules.ReloadAsync(default);

        Assert.Same(before, kit.Rules.Active);
        var status = kit.Rules.Status;
        Assert.NotNull(status.LastErrorAt);
        Assert.Contains(status.LastErrors, e => e.Contains("zz-bad.yaml:4:", StringComparison.Ordinal));
        var rejected = Assert.Single(kit.LedgerEntries(), e => e.Event.Action == PipelineRules.Rejected);
        Assert.Contains("zz-bad.yaml:4:", rejected.Event.Reason, StringComparison.Ordinal);
        // The old rules still decide.
        await kit.AddAsync(kit.Item("t", text: Threat));
        await kit.ProcessAsync();
        Assert.Equal(before.Version, Assert.Single(await kit.DecisionsAsync("t")).RulesVersion);
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Metrics_count_items_decided_actions_and_latency(string provider)
    {
        await using var kit = await PipelineKit.CreateAsync(provider);
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        var latencies = new List<double>();
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter, kit.Metrics.Meter))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var key = instrument.Name + string.Concat(tags.ToArray().Select(t => "|" + t.Value));
            counts[key] = counts.GetValueOrDefault(key) + value;
        });
        listener.SetMeasurementEventCallback<double>((_, value, _, _) => latencies.Add(value));
        listener.Start();
        await kit.AddAsync(kit.Item("a", text: Threat), kit.Item("b", text: "hello"));
        kit.Time.Advance(TimeSpan.FromMilliseconds(40));

        await kit.ProcessAsync();

        Assert.Equal(2, counts["vigil.pipeline.items_processed"]);
        Assert.Equal(1, counts["vigil.pipeline.decisions|Refer|enforce"]);
        Assert.Equal(1, counts["vigil.pipeline.decisions|Review|enforce"]);
        Assert.Equal([40.0, 40.0], latencies);
        Assert.Equal(0, kit.Metrics.Backlog);
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Items_wait_while_no_rules_have_ever_loaded(string provider)
    {
        await using var kit = await PipelineKit.CreateAsync(provider, ("bad.yaml", "rules: [ {id: x"));
        await kit.AddAsync(kit.Item("p", text: "hello"));

        var outcome = await kit.ProcessAsync();

        Assert.True(outcome.WaitingForRules);
        await using var db = kit.Db();
        Assert.True(await db.IngestItems.AnyAsync(i => i.ProcessedAt == null));
    }
}
