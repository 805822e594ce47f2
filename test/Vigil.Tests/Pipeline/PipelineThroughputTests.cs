using Microsoft.EntityFrameworkCore;
using Vigil.Pipeline;
using Vigil.Tests.Support;

namespace Vigil.Tests.Pipeline;

/// <summary>The throughput work must not change what is stored: bulk decision inserts and stage timings.</summary>
public sealed class PipelineThroughputTests
{
    private static DecisionRecord Record(long itemId, long platformId, DateTimeOffset at, string? notes, string fired, double latency) => new()
    {
        IngestItemId = itemId,
        PlatformId = platformId,
        DecidedAt = at,
        RulesVersion = new string('a', 64),
        FiredRules = fired,
        EnforcedActions = "[{\"rule_id\":\"r\",\"kind\":\"remove\",\"reason\":\"Ünïcödé — 🚫\",\"carried_out\":true}]",
        ShadowActions = "[]",
        Signals = "{\"bank_hits\":[],\"reports\":2,\"account_strikes\":1,\"country\":\"DE\",\"e2ee\":false}",
        Notes = notes,
        LatencyMs = latency,
    };

    private static object Columns(DecisionRecord d) =>
        (d.IngestItemId, d.PlatformId, d.DecidedAt, d.RulesVersion, d.FiredRules, d.EnforcedActions, d.ShadowActions, d.Signals, d.Notes, d.LatencyMs);

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task The_claim_reads_only_the_waiting_items_index_however_many_items_were_processed(string provider)
    {
        await using var kit = await PipelineKit.CreateAsync(provider);
        var processedAt = kit.Time.GetUtcNow();
        await kit.AddAsync([.. Enumerable.Range(0, 5000).Select(i => kit.Item("done" + i, text: "old")).Select(i => { i.ProcessedAt = processedAt; return i; })]);
        await kit.AddAsync([.. Enumerable.Range(0, 20).Select(i => kit.Item("new" + i, text: "waiting"))]);
        await using var db = kit.Db();
        await db.Database.ExecuteSqlRawAsync("ANALYZE");
        var postgres = db is Vigil.Storage.PostgresVigilDb;
        // The query as the claim runs it; SQLite's query string starts with a '.param' line for its shell, dropped here.
        var sql = postgres
            ? "EXPLAIN " + DetectionProcessor.PostgresClaimSql.Replace("{0}", "500", StringComparison.Ordinal)
            : "EXPLAIN QUERY PLAN " + string.Join('\n', DetectionProcessor.ClaimQuery(db, 500).ToQueryString().Split('\n').Where(l => !l.StartsWith('.')));
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync();
        var plan = new System.Text.StringBuilder();
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = sql;
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                plan.AppendLine(reader.GetValue(reader.FieldCount - 1).ToString());
            }
        }
        Assert.Contains("IX_ingest_items_waiting", plan.ToString(), StringComparison.Ordinal);

        var claimed = await DetectionProcessor.ClaimQuery(db, 500).ToListAsync();
        Assert.Equal([.. Enumerable.Range(0, 20).Select(i => "new" + i)], claimed.Select(i => i.ItemId));
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Bulk_decision_insert_stores_the_same_rows_as_tracked_inserts_and_sets_their_ids(string provider)
    {
        await using var kit = await PipelineKit.CreateAsync(provider);
        await kit.AddAsync(kit.Item("a", text: "one"), kit.Item("b", text: "two"), kit.Item("c", text: "three"));
        var ids = new[] { await kit.ItemRowIdAsync("a"), await kit.ItemRowIdAsync("b"), await kit.ItemRowIdAsync("c") };
        // Sub-millisecond instant: both stores must keep it (ticks on SQLite, microseconds on PostgreSQL).
        var at = new DateTimeOffset(2026, 11, 27, 9, 0, 0, TimeSpan.Zero).AddTicks(1_234_560);
        List<DecisionRecord> Records() =>
        [
            Record(ids[0], kit.PlatformId, at, null, "[]", 12.5),
            Record(ids[1], kit.PlatformId, at, "no PDQ: truncated", "[{\"rule_id\":\"x\",\"mode\":\"shadow\",\"evidence\":[\"e\"]}]", 0),
            Record(ids[2], kit.PlatformId, at, "a; b", "[]", 1e6),
        ];
        var bulk = Records();
        var tracked = Records();
        await using (var db = kit.Db())
        {
            await using var tx = await db.Database.BeginTransactionAsync();
            await DecisionWriter.InsertAsync(db, bulk, default);
            db.Decisions.AddRange(tracked);
            await db.SaveChangesAsync();
            await tx.CommitAsync();
        }

        await using var read = kit.Db();
        var rows = await read.Decisions.AsNoTracking().OrderBy(d => d.Id).ToListAsync();
        Assert.Equal(6, rows.Count);
        Assert.Equal(bulk.Select(r => r.Id).Concat(tracked.Select(r => r.Id)), rows.Select(r => r.Id));
        Assert.All(bulk, r => Assert.True(r.Id > 0));
        for (var k = 0; k < 3; k++)
        {
            Assert.Equal(Columns(rows[k + 3]), Columns(rows[k]));
            Assert.Equal(Columns(bulk[k]), Columns(rows[k]));
        }
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Bulk_decision_insert_outside_the_batch_transaction_is_refused_and_stores_nothing(string provider)
    {
        await using var kit = await PipelineKit.CreateAsync(provider);
        await kit.AddAsync(kit.Item("a", text: "one"));
        var id = await kit.ItemRowIdAsync("a");
        await using var db = kit.Db();

        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            DecisionWriter.InsertAsync(db, [Record(id, kit.PlatformId, kit.Time.GetUtcNow(), null, "[]", 1)], default));

        Assert.Equal(0, await db.Decisions.CountAsync());
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Stage_times_count_the_batch_its_items_and_what_was_hashed(string provider)
    {
        await using var kit = await PipelineKit.CreateAsync(provider);
        await kit.AddAsync(
            kit.Item("t1", text: "hello there"),
            kit.Item("t2", text: "I will kill the soldiers at the barracks tomorrow"),
            kit.Item("img", type: "image", image: [0xFF, 0xD8, 0xFF, 0x00, 0x01]),
            kit.Item("dm", type: "direct_message", e2ee: true));
        var before = kit.Metrics.Stages.Snapshot();

        await kit.ProcessAsync();

        var s = kit.Metrics.Stages.Snapshot().Since(before);
        Assert.Equal(1, s.Batches);
        Assert.Equal(4, s.Items);
        Assert.Equal(1, s.Images);
        Assert.Equal(2, s.Texts);
        Assert.Equal(Enum.GetValues<PipelineStage>(), s.Stages.Keys.Order());
        Assert.All(s.Stages.Values, t => Assert.True(t >= TimeSpan.Zero));
        Assert.True(s.Stages[PipelineStage.Claim] > TimeSpan.Zero);
        Assert.True(s.Stages[PipelineStage.Ledger] > TimeSpan.Zero, "the threat's referral is ledgered");
        // The corrupt image was still decided, with the note, in the same batch.
        Assert.Contains("no PDQ", (await kit.DecisionsAsync("img")).Single().Notes);
    }
}
