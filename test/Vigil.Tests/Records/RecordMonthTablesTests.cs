using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Vigil.Platforms;
using Vigil.Records;
using Vigil.Storage;
using Vigil.Tests.Support;

namespace Vigil.Tests.Records;

/// <summary>SQLite's month tables (migration RecordsMonthTables): what PostgreSQL's partitioning gives, checked where SQLite builds it by hand.</summary>
public sealed class RecordMonthTablesTests
{
    private static readonly DateTimeOffset March = new(2026, 3, 10, 8, 0, 0, TimeSpan.Zero);

    /// <summary>A fresh SQLite store, opened (migrated), with one platform.</summary>
    private static async Task<(TestStore Test, VigilDb Db, long PlatformId)> StartAsync()
    {
        var test = await TestStore.CreateAsync("sqlite");
        var db = await test.Store.OpenAsync(CancellationToken.None);
        var platform = new Platform { Name = "chirp", CreatedAt = March };
        db.Add(platform);
        await db.SaveChangesAsync();
        return (test, db, platform.Id);
    }

    private static MessageMetadataRecord Message(long platform, string id, DateTimeOffset at, params string[] recipients) =>
        new() { PlatformId = platform, MessageId = id, SenderAccountId = "u1", RecipientAccountIds = [.. recipients], At = at, RecordedAt = at };

    [Fact]
    public async Task Rows_land_in_their_month_table_read_through_the_view_with_ids_unique_across_months()
    {
        var (test, db, p) = await StartAsync();
        await using var _ = test;
        await using var __ = db;

        // Before month tables existed (a database migrated with records in it), rows sat in the default table.
        var t = March.UtcTicks.ToString(CultureInfo.InvariantCulture);
        await RecordsKit.ExecAsync(db, $"INSERT INTO access_logs_default (\"Id\", \"PlatformId\", \"AccountId\", \"At\", \"IpAddress\", \"RecordedAt\") VALUES (5, {p}, 'u1', {t}, '192.0.2.1', {t})");
        Assert.Equal(1, await db.AccessLogs.CountAsync());

        var isNew = await RecordStore.StoreAsync(db,
        [
            // The same login again: its month table takes over the default table's row, so it is a duplicate, not a second row.
            new(RecordCategory.AccessLog, "a", new AccessLogRecord { PlatformId = p, AccountId = "u1", At = March, IpAddress = "192.0.2.1", RecordedAt = March }),
            new(RecordCategory.AccessLog, "b", new AccessLogRecord { PlatformId = p, AccountId = "u1", At = March.AddMonths(-1), IpAddress = "192.0.2.1", RecordedAt = March }),
            new(RecordCategory.MessageMetadata, "m1", Message(p, "m1", March, "u2")),
            new(RecordCategory.MessageMetadata, "m2", Message(p, "m2", March.AddMonths(-1), "u3")),
        ], CancellationToken.None);

        Assert.Equal([false, true, true, true], isNew);
        Assert.Equal(0, await RecordsKit.CountAsync(db, "access_logs_default"));
        Assert.Equal(1, await RecordsKit.CountAsync(db, "access_logs_202603", "\"Id\" = 5"));
        Assert.Equal(1, await RecordsKit.CountAsync(db, "access_logs_202602"));
        Assert.Equal(2, await db.AccessLogs.CountAsync());

        // Each month numbers its rows in its own range, so a message id names one message whatever its month.
        var messages = await db.MessageMetadata.AsNoTracking().OrderBy(m => m.At).ToListAsync();
        Assert.Equal(["m2", "m1"], messages.Select(m => m.MessageId));
        Assert.Equal(RecordPartitions.SqliteIdBase(new DateTimeOffset(2026, 2, 1, 0, 0, 0, TimeSpan.Zero)) + 1, messages[0].Id);
        Assert.Equal(RecordPartitions.SqliteIdBase(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero)) + 1, messages[1].Id);
        var participants = await db.MessageParticipants.AsNoTracking().ToListAsync();
        Assert.Equal(4, participants.Count);
        Assert.All(participants, x => Assert.Equal(messages.Single(m => m.At == x.At).Id, x.MessageRecordId));

        // The view is the only way in: inserting into it is refused, so no row can bypass its month table.
        var error = await Assert.ThrowsAsync<Microsoft.Data.Sqlite.SqliteException>(() =>
            RecordsKit.ExecAsync(db, $"INSERT INTO access_logs (\"PlatformId\", \"AccountId\", \"At\", \"IpAddress\", \"RecordedAt\") VALUES ({p}, 'u9', {t}, '192.0.2.9', {t})"));
        Assert.Contains("view", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_reading_connection_sees_a_month_created_and_dropped_by_another()
    {
        var (test, writer, p) = await StartAsync();
        await using var _ = test;
        await using var __ = writer;
        await using var reader = test.Store.CreateContext();
        await reader.Database.OpenConnectionAsync();
        Assert.Equal(0, await reader.AccessLogs.CountAsync());

        await RecordStore.StoreAsync(writer, [new(RecordCategory.AccessLog, "a", new AccessLogRecord { PlatformId = p, AccountId = "u1", At = March, IpAddress = "192.0.2.1", RecordedAt = March })], CancellationToken.None);
        Assert.Equal(1, await reader.AccessLogs.CountAsync(a => a.AccountId == "u1"));

        var report = await RecordPurge.RunAsync(writer, new RetentionPolicy(), March.AddYears(2), dryRun: false, null, CancellationToken.None);
        Assert.Equal(["access_logs_202603"], report.Categories.Single(c => c.Category == RecordCategory.AccessLog).DroppedPartitions);
        Assert.Equal(0, await reader.AccessLogs.CountAsync());
        Assert.Equal(0, await RecordsKit.CountAsync(writer, "sqlite_master", "name LIKE 'access_logs_2026%'"));
    }

    [Fact]
    public async Task A_purged_record_leaves_no_bytes_in_the_database_file_or_its_wal()
    {
        var (test, db, p) = await StartAsync();
        await using var _ = test;
        await using var __ = db;
        var now = March.AddYears(1).AddMonths(2);
        // One expired record in a month table (dropped whole), one in the default table (deleted row by row), one recent.
        await RecordStore.StoreAsync(db,
        [
            new(RecordCategory.AccessLog, "a", new AccessLogRecord { PlatformId = p, AccountId = "forget-me-month", At = March, IpAddress = "192.0.2.1", DeviceId = "forget-me-device", RecordedAt = March }),
            new(RecordCategory.AccessLog, "b", new AccessLogRecord { PlatformId = p, AccountId = "keep-me-recent", At = now.AddDays(-3), IpAddress = "192.0.2.2", RecordedAt = now }),
        ], CancellationToken.None);
        var old = March.AddMonths(-1).UtcTicks.ToString(CultureInfo.InvariantCulture);
        await RecordsKit.ExecAsync(db, $"INSERT INTO access_logs_default (\"PlatformId\", \"AccountId\", \"At\", \"IpAddress\", \"RecordedAt\") VALUES ({p}, 'forget-me-row', {old}, '192.0.2.3', {old})");
        await RecordsKit.ExecAsync(db, "PRAGMA wal_checkpoint(TRUNCATE)");
        // Before: each of the three strings is in its table and index pages.
        Assert.True(Occurrences(test.Store, "forget-me-") >= 3);

        var report = await RecordPurge.RunAsync(db, new RetentionPolicy(), now, dryRun: false, null, CancellationToken.None);

        Assert.Equal(2, report.Categories.Single(c => c.Category == RecordCategory.AccessLog).Deleted);
        Assert.Equal(0, Occurrences(test.Store, "forget-me-"));
        Assert.True(Occurrences(test.Store, "keep-me-recent") > 0);
        Assert.Equal(["keep-me-recent"], await db.AccessLogs.Select(a => a.AccountId).ToListAsync());
    }

    [Fact]
    public async Task A_purge_while_a_reader_holds_an_older_snapshot_completes_and_the_reader_keeps_its_snapshot()
    {
        var (test, db, p) = await StartAsync();
        await using var _ = test;
        await using var __ = db;
        await RecordStore.StoreAsync(db, [new(RecordCategory.AccessLog, "a", new AccessLogRecord { PlatformId = p, AccountId = "u1", At = March, IpAddress = "192.0.2.1", RecordedAt = March })], CancellationToken.None);

        // A reader in a (deferred, read-only) transaction: its snapshot is fixed by its first read.
        await using var reader = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={test.Store.SqlitePath}");
        await reader.OpenAsync();
        await using var snapshot = reader.BeginTransaction(deferred: true);
        long Count()
        {
            using var cmd = reader.CreateCommand();
            cmd.Transaction = snapshot;
            cmd.CommandText = "SELECT COUNT(*) FROM access_logs";
            return (long)cmd.ExecuteScalar()!;
        }
        Assert.Equal(1, Count());

        var report = await RecordPurge.RunAsync(db, new RetentionPolicy(), March.AddYears(2), dryRun: false, null, CancellationToken.None)
            .WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(["access_logs_202603"], report.Categories.Single(c => c.Category == RecordCategory.AccessLog).DroppedPartitions);
        // The reader's transaction still reads what it began with; the store no longer has the month.
        Assert.Equal(1, Count());
        Assert.Equal(0, await db.AccessLogs.CountAsync());
        await snapshot.CommitAsync();
    }

    private static int Occurrences(VigilStore store, string text)
    {
        var needle = System.Text.Encoding.UTF8.GetBytes(text);
        var count = 0;
        foreach (var path in new[] { store.SqlitePath, store.SqlitePath + "-wal" }.Where(File.Exists))
        {
            using var f = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var buffer = new MemoryStream();
            f.CopyTo(buffer);
            var bytes = buffer.ToArray().AsSpan();
            int i;
            while ((i = bytes.IndexOf(needle)) >= 0)
            {
                count++;
                bytes = bytes[(i + needle.Length)..];
            }
        }
        return count;
    }
}
