using System.Data.Common;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Vigil.Authorities;
using Vigil.Ledger;
using Vigil.Orders;
using Vigil.Storage;

namespace Vigil.Records;

/// <summary>What the purge did (or, dry, would do) to one category.</summary>
/// <param name="Deleted">Rows removed (or that would be), partitions dropped included.</param>
/// <param name="DroppedPartitions">Month tables dropped whole (PostgreSQL partitions detached first).</param>
public sealed record PurgeCategoryResult(RecordCategory Category, DateTimeOffset Cutoff, long Deleted, IReadOnlyList<string> DroppedPartitions);

/// <summary>Records past retention that a preservation hold kept.</summary>
public sealed record PurgeHoldResult(long HoldId, RecordCategory Category, long Kept);

/// <summary>One purge run.</summary>
public sealed record PurgeReport(DateTimeOffset At, bool DryRun, IReadOnlyList<PurgeCategoryResult> Categories, IReadOnlyList<PurgeHoldResult> Holds);

/// <summary>Ledger actions of the records feature.</summary>
public static class RecordAudit
{
    public const string Purged = "records.purged";
    public const string HoldKept = "records.hold_kept";
    public const string Refused = "records.refused";
    public const string Actor = "vigil:retention";
    public const string Role = "system";
}

/// <summary>
/// Deletes records past their category's retention, for real (rows gone, month tables dropped whole),
/// except those an active <see cref="PreservationHold"/> covers. Holds are matched by selector: account ids directly;
/// usernames, e-mail addresses and phone numbers through the subscriber records; IP addresses (and port) against access
/// logs; item ids against stored content, media hashes and message ids. A hold with a category keeps only the record
/// categories that data category is made of (<see cref="CategoriesOf"/>); a hold's DataFrom/DataTo bound what it keeps.
/// </summary>
public static class RecordPurge
{
    /// <summary>The record categories an order's data category draws on (what a hold for it must keep).</summary>
    public static IReadOnlySet<RecordCategory> CategoriesOf(DataCategory? category) => category switch
    {
        null => Enum.GetValues<RecordCategory>().ToHashSet(),
        DataCategory.SubscriberData => new HashSet<RecordCategory> { RecordCategory.Subscriber },
        DataCategory.UserIdentifyingData => new HashSet<RecordCategory> { RecordCategory.Subscriber, RecordCategory.AccessLog },
        DataCategory.TrafficData => new HashSet<RecordCategory> { RecordCategory.AccessLog, RecordCategory.MessageMetadata },
        DataCategory.StoredContentData => new HashSet<RecordCategory> { RecordCategory.StoredContent, RecordCategory.MediaHash },
        _ => Enum.GetValues<RecordCategory>().ToHashSet(),
    };

    private sealed record HoldScope(long Id, IReadOnlySet<RecordCategory> Categories, List<string> Accounts, string? Ip, int? Port, List<string> Items,
        DateTimeOffset? From, DateTimeOffset? To);

    private static (string Table, string Time) TableOf(RecordCategory c) => c switch
    {
        RecordCategory.Subscriber => ("subscriber_records", "RecordedAt"),
        RecordCategory.AccessLog => ("access_logs", "At"),
        RecordCategory.MessageMetadata => ("message_metadata", "At"),
        RecordCategory.StoredContent => ("stored_content", "At"),
        _ => ("media_hashes", "At"),
    };

    /// <summary>
    /// Runs one purge at <paramref name="now"/>; unless dry, writes the purge and each hold that kept records to <paramref name="ledger"/>.
    /// Each category commits on its own unless the context is already in a transaction, which the purge then joins.
    /// </summary>
    public static async Task<PurgeReport> RunAsync(VigilDb db, RetentionPolicy policy, DateTimeOffset now, bool dryRun, LedgerLog? ledger, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(policy);
        var holds = await ResolveHoldsAsync(db, now, ct);
        var categories = new List<PurgeCategoryResult>();
        var kept = new List<PurgeHoldResult>();
        var outer = db.Database.CurrentTransaction;
        await db.Database.OpenConnectionAsync(ct);
        long? cacheSize = null;
        long? secureDelete = null;
        try
        {
            if (db is not PostgresVigilDb)
            {
                // SQLite's default page cache is 2 MiB. Rows deleted one by one (a month a hold's range touches, the
                // default table) dirty most pages of the (account, time) and address indexes, which a small cache spills
                // to the WAL and reads back again and again. The cache grows only as far as pages are used.
                cacheSize = await PragmaAsync(db, "PRAGMA cache_size", ct);
                await PragmaAsync(db, "PRAGMA cache_size = -" + SqliteCacheKib.ToString(CultureInfo.InvariantCulture), ct);
                // Deleted rows and dropped month tables are overwritten with zeros, not just unlinked into free space:
                // after the checkpoint below, an expired record's bytes are gone from the database file.
                secureDelete = await PragmaAsync(db, "PRAGMA secure_delete", ct);
                await PragmaAsync(db, "PRAGMA secure_delete = ON", ct);
            }
            foreach (var category in Enum.GetValues<RecordCategory>())
            {
                var cutoff = policy.CutoffAt(category, now);
                var relevant = holds.Where(h => h.Categories.Contains(category)).ToList();
                // Inside a caller's transaction the purge commits (or not) with it; a dry run still undoes its own work.
                await using var own = outer is null ? await db.Database.BeginTransactionAsync(ct) : null;
                var tx = own ?? outer!;
                if (own is null && dryRun)
                {
                    await tx.CreateSavepointAsync("vigil_purge", ct);
                }
                var sql = new Sql(db, tx.GetDbTransaction());
                foreach (var h in relevant)
                {
                    if (Clause(category, h, sql) is { } clause)
                    {
                        var (table, time) = TableOf(category);
                        var n = await sql.ScalarAsync($"SELECT COUNT(*) FROM {table} WHERE \"{time}\" < {sql.Time(cutoff)} AND {clause}", ct);
                        if (n > 0)
                        {
                            kept.Add(new PurgeHoldResult(h.Id, category, n));
                        }
                    }
                }
                var (deleted, dropped) = await PurgeCategoryAsync(db, sql, category, cutoff, relevant, dryRun, ct);
                if (own is null)
                {
                    if (dryRun)
                    {
                        await tx.RollbackToSavepointAsync("vigil_purge", ct);
                    }
                }
                else if (dryRun)
                {
                    await own.RollbackAsync(ct);
                }
                else
                {
                    await own.CommitAsync(ct);
                }
                categories.Add(new PurgeCategoryResult(category, cutoff, deleted, dropped));
            }
        }
        finally
        {
            if (cacheSize is { } size)
            {
                await PragmaAsync(db, "PRAGMA cache_size = " + size.ToString(CultureInfo.InvariantCulture), CancellationToken.None);
            }
            if (secureDelete is { } sd)
            {
                await PragmaAsync(db, "PRAGMA secure_delete = " + sd.ToString(CultureInfo.InvariantCulture), CancellationToken.None);
            }
            await db.Database.CloseConnectionAsync();
        }
        if (db is not PostgresVigilDb && !dryRun && outer is null)
        {
            // The zeroed pages are in the WAL until a checkpoint copies them over the old ones in the database file;
            // TRUNCATE also empties the WAL, which held the pages' earlier versions. Best effort: with readers still on
            // older snapshots SQLite checkpoints what it can now, and automatic checkpoints finish the rest. While it
            // waits for readers it holds off new writers, so the wait is bounded to a second.
            await db.Database.OpenConnectionAsync(ct);
            var busy = await PragmaAsync(db, "PRAGMA busy_timeout", ct);
            try
            {
                await PragmaAsync(db, "PRAGMA busy_timeout = 1000", ct);
                await PragmaAsync(db, "PRAGMA wal_checkpoint(TRUNCATE)", ct);
            }
            finally
            {
                await PragmaAsync(db, "PRAGMA busy_timeout = " + busy.ToString(CultureInfo.InvariantCulture), CancellationToken.None);
                await db.Database.CloseConnectionAsync();
            }
        }
        var report = new PurgeReport(now, dryRun, categories, kept);
        if (!dryRun && ledger is not null)
        {
            await LedgerAsync(ledger, report, ct);
        }
        return report;
    }

    /// <summary>The SQLite page cache (KiB) for the duration of a purge.</summary>
    private const int SqliteCacheKib = 1024 * 1024;

    private static async Task<long> PragmaAsync(VigilDb db, string text, CancellationToken ct)
    {
        await using var cmd = db.Database.GetDbConnection().CreateCommand();
        cmd.CommandText = text;
        cmd.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(ct) ?? 0L, CultureInfo.InvariantCulture);
    }

    private static async Task<(long Deleted, List<string> Dropped)> PurgeCategoryAsync(
        VigilDb db, Sql sql, RecordCategory category, DateTimeOffset cutoff, List<HoldScope> holds, bool dryRun, CancellationToken ct)
    {
        var (table, time) = TableOf(category);
        long deleted = 0;
        var dropped = new List<string>();
        if (category != RecordCategory.Subscriber)
        {
            // Whole months past the cutoff that no hold's time range touches go as tables, not row by row: PostgreSQL
            // partitions are detached and dropped, SQLite month tables (migration RecordsMonthTables) dropped.
            var pg = db is PostgresVigilDb;
            foreach (var (partition, month) in pg ? await PartitionsAsync(sql, table, ct) : await sql.SqliteMonthTablesAsync(table, ct))
            {
                var end = month.AddMonths(1);
                if (end > cutoff || holds.Any(h => (h.From is null || h.From < end) && (h.To is null || h.To >= month)))
                {
                    continue;
                }
                deleted += await sql.ScalarAsync($"SELECT COUNT(*) FROM \"{partition}\"", ct);
                if (!dryRun)
                {
                    // A month of messages takes the same month of their participant index rows with it.
                    var participants = category == RecordCategory.MessageMetadata ? RecordPartitions.PartitionName("message_participants", month) : null;
                    if (pg)
                    {
                        await sql.ExecAsync($"ALTER TABLE {table} DETACH PARTITION {partition}; DROP TABLE {partition}", ct);
                        if (participants is not null)
                        {
                            await sql.ExecAsync($"DO $$ BEGIN IF to_regclass('{participants}') IS NOT NULL THEN " +
                                $"ALTER TABLE message_participants DETACH PARTITION {participants}; DROP TABLE {participants}; END IF; END $$", ct);
                        }
                    }
                    else
                    {
                        await sql.DropSqliteAsync(participants is null ? [partition] : [partition, participants], ct);
                    }
                }
                dropped.Add(partition);
            }
        }
        var held = holds.Select(h => Clause(category, h, sql)).OfType<string>().ToList();
        var where = $"\"{time}\" < {sql.Time(cutoff)}" + (held.Count == 0 ? "" : $" AND NOT ({string.Join(" OR ", held)})");
        if (dryRun)
        {
            return (deleted + await sql.ScalarAsync($"SELECT COUNT(*) FROM {table} WHERE {where}", ct), dropped);
        }
        // What is left before the cutoff goes row by row: on PostgreSQL through the partitioned table; on SQLite from
        // each table that may hold such rows (the view takes no deletes), named as the view so the hold clauses apply.
        foreach (var target in await sql.TargetsAsync(table, cutoff, ct))
        {
            deleted += await sql.ExecAsync($"DELETE FROM {target} WHERE {where}", ct);
        }
        if (category == RecordCategory.MessageMetadata)
        {
            // Index rows go with their message (same At, so the same month partition when there is one).
            // With no hold keeping messages, every index row before the cutoff belongs to a deleted message: a plain
            // range delete, without probing message_metadata once per row.
            foreach (var target in await sql.TargetsAsync("message_participants", cutoff, ct))
            {
                await sql.ExecAsync($"DELETE FROM {target} WHERE \"At\" < " + sql.Time(cutoff) + (held.Count == 0 ? "" :
                    " AND NOT EXISTS (SELECT 1 FROM message_metadata m WHERE m.\"Id\" = message_participants.\"MessageRecordId\" AND m.\"At\" = message_participants.\"At\")"), ct);
            }
        }
        return (deleted, dropped);
    }

    private static async Task<List<(string Partition, DateTimeOffset Month)>> PartitionsAsync(Sql sql, string table, CancellationToken ct)
    {
        var names = await sql.StringsAsync(
            $"SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = '{table}'::regclass ORDER BY c.relname", ct);
        var result = new List<(string, DateTimeOffset)>();
        foreach (var name in names)
        {
            if (RecordPartitions.MonthOfName(table, name) is { } month)
            {
                result.Add((name, month));
            }
        }
        return result;
    }

    /// <summary>SQL that is true for the rows of <paramref name="category"/> that hold <paramref name="h"/> keeps; null when it keeps none.</summary>
    private static string? Clause(RecordCategory category, HoldScope h, Sql sql)
    {
        var parts = new List<string>();
        string In(string column, List<string> values) => $"\"{column}\" IN ({string.Join(", ", values.Select(sql.Param))})";
        switch (category)
        {
            case RecordCategory.Subscriber:
                if (h.Accounts.Count > 0)
                {
                    parts.Add(In("AccountId", h.Accounts));
                }
                // Subscriber data is the account's current state: a hold keeps it whatever its time range.
                return parts.Count == 0 ? null : string.Join(" OR ", parts);
            case RecordCategory.AccessLog:
                if (h.Accounts.Count > 0)
                {
                    parts.Add(In("AccountId", h.Accounts));
                }
                if (h.Ip is not null)
                {
                    parts.Add($"(\"IpAddress\" = {sql.Param(h.Ip)}" + (h.Port is { } port ? $" AND \"SourcePort\" = {sql.Param(port)})" : ")"));
                }
                break;
            case RecordCategory.MessageMetadata:
                if (h.Accounts.Count > 0)
                {
                    parts.Add("EXISTS (SELECT 1 FROM message_participants p WHERE p.\"MessageRecordId\" = message_metadata.\"Id\" AND p.\"At\" = message_metadata.\"At\" AND p." +
                        In("AccountId", h.Accounts) + ")");
                }
                if (h.Items.Count > 0)
                {
                    parts.Add(In("MessageId", h.Items));
                }
                break;
            default:
                if (h.Accounts.Count > 0)
                {
                    parts.Add(In("AccountId", h.Accounts));
                }
                if (h.Items.Count > 0)
                {
                    parts.Add(In("ItemId", h.Items));
                }
                break;
        }
        if (parts.Count == 0)
        {
            return null;
        }
        var range = "";
        if (h.From is { } from)
        {
            range += $" AND \"At\" >= {sql.Time(from)}";
        }
        if (h.To is { } to)
        {
            range += $" AND \"At\" <= {sql.Time(to)}";
        }
        return $"(({string.Join(" OR ", parts)}){range})";
    }

    private static async Task<List<HoldScope>> ResolveHoldsAsync(VigilDb db, DateTimeOffset now, CancellationToken ct)
    {
        var holds = await db.PreservationHolds.AsNoTracking().Where(h => h.ReleasedAt == null && h.ExpiresAt > now).OrderBy(h => h.Id).ToListAsync(ct);
        var scopes = new List<HoldScope>();
        foreach (var h in holds)
        {
            var accounts = new List<string>();
            var items = new List<string>();
            string? ip = null;
            switch (h.SelectorKind)
            {
                case SelectorKind.AccountId:
                    accounts.Add(h.SelectorValue);
                    break;
                case SelectorKind.Username:
                    accounts.AddRange(await db.SubscriberRecords.Where(s => s.Username == h.SelectorValue).Select(s => s.AccountId).ToListAsync(ct));
                    break;
                case SelectorKind.EmailAddress:
                    accounts.AddRange(await db.SubscriberRecords.Where(s => s.Email == h.SelectorValue).Select(s => s.AccountId).ToListAsync(ct));
                    break;
                case SelectorKind.PhoneNumber:
                    accounts.AddRange(await db.SubscriberRecords.Where(s => s.Phone == h.SelectorValue).Select(s => s.AccountId).ToListAsync(ct));
                    break;
                case SelectorKind.IpAddress:
                    ip = h.SelectorValue;
                    break;
                case SelectorKind.ItemId:
                    items.Add(h.SelectorValue);
                    break;
                default:
                    // A URL names no record the store keeps.
                    break;
            }
            scopes.Add(new HoldScope(h.Id, CategoriesOf(h.Category), accounts.Distinct(StringComparer.Ordinal).ToList(), ip, h.Port, items, h.DataFrom, h.DataTo));
        }
        return scopes;
    }

    private static async Task LedgerAsync(LedgerLog ledger, PurgeReport report, CancellationToken ct)
    {
        var parts = report.Categories.Select(c => string.Create(CultureInfo.InvariantCulture,
            $"{c.Category}: {c.Deleted} deleted before {c.Cutoff:O}{(c.DroppedPartitions.Count > 0 ? $" ({c.DroppedPartitions.Count} month partition(s) dropped)" : "")}"));
        var events = new List<LedgerEvent>
        {
            new(RecordAudit.Actor, RecordAudit.Role, RecordAudit.Purged, new LedgerSubject("records", report.At.ToString("O", CultureInfo.InvariantCulture)),
                "retention purge: " + string.Join("; ", parts)),
        };
        foreach (var g in report.Holds.GroupBy(h => h.HoldId))
        {
            events.Add(new LedgerEvent(RecordAudit.Actor, RecordAudit.Role, RecordAudit.HoldKept,
                new LedgerSubject("preservation_hold", g.Key.ToString(CultureInfo.InvariantCulture)),
                "kept past retention: " + string.Join(", ", g.Select(h => $"{h.Category} {h.Kept}"))));
        }
        await ledger.AppendBatchAsync(events, ct);
    }

    /// <summary>Builds parameterised SQL for either provider and runs it in the purge's transaction.</summary>
    private sealed class Sql(VigilDb db, DbTransaction tx)
    {
        private readonly bool pg = db is PostgresVigilDb;
        private readonly List<(string Name, object Value)> pending = [];
        private int next;

        public string Param(object value)
        {
            // The trailing letter keeps @h1x from being a prefix of @h10x.
            var name = "@h" + (next++).ToString(CultureInfo.InvariantCulture) + "x";
            pending.Add((name, value));
            return name;
        }

        public string Param(string value) => Param((object)value);

        public string Time(DateTimeOffset t) => Param(pg ? t.ToUniversalTime() : t.UtcTicks);

        private DbCommand Command(string text)
        {
            var cmd = db.Database.GetDbConnection().CreateCommand();
            cmd.CommandText = text;
            cmd.Transaction = tx;
            // Large months take a while to count and drop; the default 30 s is too tight on a busy machine.
            cmd.CommandTimeout = 600;
            foreach (var (name, value) in pending)
            {
                if (text.Contains(name, StringComparison.Ordinal))
                {
                    var p = cmd.CreateParameter();
                    p.ParameterName = name;
                    p.Value = value;
                    cmd.Parameters.Add(p);
                }
            }
            return cmd;
        }

        public async Task<long> ScalarAsync(string text, CancellationToken ct)
        {
            await using var cmd = Command(text);
            return Convert.ToInt64(await cmd.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
        }

        public async Task<long> ExecAsync(string text, CancellationToken ct)
        {
            await using var cmd = Command(text);
            return await cmd.ExecuteNonQueryAsync(ct);
        }

        public Task<List<(string Name, DateTimeOffset Month)>> SqliteMonthTablesAsync(string table, CancellationToken ct) =>
            RecordPartitions.SqliteMonthTablesAsync(db.Database.GetDbConnection(), tx, table, ct);

        public Task DropSqliteAsync(IReadOnlyCollection<string> names, CancellationToken ct) =>
            RecordPartitions.DropSqliteAsync(db.Database.GetDbConnection(), tx, names, ct);

        /// <summary>The tables a DELETE of <paramref name="table"/>'s rows before <paramref name="cutoff"/> must run on, aliased as <paramref name="table"/>.</summary>
        public async Task<List<string>> TargetsAsync(string table, DateTimeOffset cutoff, CancellationToken ct)
        {
            if (pg || !RecordPartitions.Tables.Any(t => t.Table == table))
            {
                return [table];
            }
            var months = await SqliteMonthTablesAsync(table, ct);
            return [.. months.Where(m => m.Month < cutoff).Select(m => m.Name).Prepend(table + "_default").Select(n => $"\"{n}\" AS {table}")];
        }

        public async Task<List<string>> StringsAsync(string text, CancellationToken ct)
        {
            await using var cmd = Command(text);
            var list = new List<string>();
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                list.Add(reader.GetString(0));
            }
            return list;
        }
    }
}
