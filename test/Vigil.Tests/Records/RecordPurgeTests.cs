using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Vigil.Authorities;
using Vigil.Ledger;
using Vigil.Orders;
using Vigil.Platforms;
using Vigil.Records;
using Vigil.Storage;
using Vigil.Tests.Support;

namespace Vigil.Tests.Records;

public sealed class RecordPurgeTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

    private sealed record World(long PlatformId, long AuthorityId);

    private static async Task<World> SeedAsync(VigilDb db, DateTimeOffset now)
    {
        var platform = new Platform { Name = "chirp", CreatedAt = now };
        var authority = new Authority { Code = "GB-TEST", CountryCode = "GB", Name = "Test police", Kind = AuthorityKind.Police };
        db.Add(platform);
        db.Add(authority);
        await db.SaveChangesAsync();
        var old = now.AddDays(-400);
        var recent = now.AddDays(-10);
        var p = platform.Id;
        ParsedRecord R(RecordCategory c, object e) => new(c, "k", e);
        await RecordStore.StoreAsync(db,
        [
            R(RecordCategory.Subscriber, new SubscriberRecord { PlatformId = p, AccountId = "u1", Username = "alice", AccountCreatedAt = old, RecordedAt = old }),
            R(RecordCategory.Subscriber, new SubscriberRecord { PlatformId = p, AccountId = "u2", Username = "bob", AccountCreatedAt = old, RecordedAt = old }),
            R(RecordCategory.AccessLog, new AccessLogRecord { PlatformId = p, AccountId = "u1", At = old, IpAddress = "192.0.2.1", RecordedAt = old }),
            R(RecordCategory.AccessLog, new AccessLogRecord { PlatformId = p, AccountId = "u2", At = old, IpAddress = "192.0.2.2", RecordedAt = old }),
            R(RecordCategory.AccessLog, new AccessLogRecord { PlatformId = p, AccountId = "u2", At = recent, IpAddress = "192.0.2.2", RecordedAt = recent }),
            R(RecordCategory.AccessLog, new AccessLogRecord { PlatformId = p, AccountId = "u3", At = old, IpAddress = "192.0.2.7", SourcePort = 4000, RecordedAt = old }),
            R(RecordCategory.MessageMetadata, new MessageMetadataRecord { PlatformId = p, MessageId = "m1", SenderAccountId = "u1", RecipientAccountIds = ["u2"], At = old, RecordedAt = old }),
            R(RecordCategory.MessageMetadata, new MessageMetadataRecord { PlatformId = p, MessageId = "m2", SenderAccountId = "u2", RecipientAccountIds = ["u3"], At = old, RecordedAt = old }),
            R(RecordCategory.MessageMetadata, new MessageMetadataRecord { PlatformId = p, MessageId = "m3", SenderAccountId = "u2", RecipientAccountIds = ["u3"], At = recent, RecordedAt = recent }),
            R(RecordCategory.StoredContent, new StoredContentRecord { PlatformId = p, ItemId = "i1", AccountId = "u2", At = old, ContentType = "text/plain", Text = "x", RecordedAt = old }),
            R(RecordCategory.MediaHash, new MediaHashRecord { PlatformId = p, ItemId = "i1", AccountId = "u1", At = old, Algorithm = "md5", Hash = new string('0', 32), RecordedAt = old }),
        ], CancellationToken.None);
        return new World(p, authority.Id);
    }

    private static async Task<(long Subscribers, long Logs, long Messages, long Participants, long Content, long Hashes)> CountsAsync(VigilDb db) => (
        await RecordsKit.CountAsync(db, "subscriber_records"),
        await RecordsKit.CountAsync(db, "access_logs"),
        await RecordsKit.CountAsync(db, "message_metadata"),
        await RecordsKit.CountAsync(db, "message_participants"),
        await RecordsKit.CountAsync(db, "stored_content"),
        await RecordsKit.CountAsync(db, "media_hashes"));

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Expired_records_are_physically_deleted_and_held_ones_stay_until_the_hold_ends(string provider)
    {
        await using var test = await TestStore.CreateAsync(provider);
        var time = new FakeTimeProvider(Start);
        await using var db = await test.Store.OpenAsync(CancellationToken.None);
        await using var ledger = LedgerLog.OpenDataDirectory(test.Store.DataDirectory.FullName, options: new LedgerOptions { TimeProvider = time });
        var world = await SeedAsync(db, time.GetUtcNow());
        Assert.Equal((2, 4, 3, 6, 1, 1), await CountsAsync(db));

        // Alice (by username, resolved through her subscriber record) is held for everything; an IP address for traffic.
        var byName = new PreservationHold { AuthorityId = world.AuthorityId, SelectorKind = SelectorKind.Username, SelectorValue = "alice", HeldAt = Start, ExpiresAt = Start.AddDays(90) };
        var byIp = new PreservationHold { AuthorityId = world.AuthorityId, SelectorKind = SelectorKind.IpAddress, SelectorValue = "192.0.2.7", Port = 4000, Category = DataCategory.TrafficData, HeldAt = Start, ExpiresAt = Start.AddDays(30) };
        db.AddRange(byName, byIp);
        await db.SaveChangesAsync();

        var policy = new RetentionPolicy();
        var dry = await RecordPurge.RunAsync(db, policy, time.GetUtcNow(), dryRun: true, ledger, CancellationToken.None);
        Assert.Equal(4, dry.Categories.Sum(c => c.Deleted));
        Assert.Equal((2, 4, 3, 6, 1, 1), await CountsAsync(db));
        Assert.Equal(0, ledger.Size());

        var first = await RecordPurge.RunAsync(db, policy, time.GetUtcNow(), dryRun: false, ledger, CancellationToken.None);
        // Kept: alice's subscriber row, her old login, her old message (and its two index rows), her media hash, the held IP's login.
        Assert.Equal((1, 3, 2, 4, 0, 1), await CountsAsync(db));
        Assert.Equal(1, await RecordsKit.CountAsync(db, "message_metadata", "\"MessageId\" = 'm1'"));
        Assert.Contains(first.Holds, h => h.HoldId == byName.Id && h.Category == RecordCategory.MessageMetadata && h.Kept == 1);
        Assert.Contains(first.Holds, h => h.HoldId == byIp.Id && h.Category == RecordCategory.AccessLog && h.Kept == 1);
        var events = Enumerable.Range(0, (int)ledger.Size()).Select(i => ledger.ReadEntry(i).Event).ToList();
        Assert.Equal(RecordAudit.Purged, events[0].Action);
        Assert.Contains("AccessLog: 1 deleted", events[0].Reason, StringComparison.Ordinal);
        Assert.Equal([byName.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), byIp.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)],
            events.Where(e => e.Action == RecordAudit.HoldKept).Select(e => e.Subject.Id));

        // Alice's hold is released and a month later the IP hold has expired: the next purge removes what they kept.
        byName.ReleasedAt = Start.AddDays(1);
        await db.SaveChangesAsync();
        time.Advance(TimeSpan.FromDays(31));
        var second = await RecordPurge.RunAsync(db, policy, time.GetUtcNow(), dryRun: false, ledger, CancellationToken.None);
        Assert.Empty(second.Holds);
        Assert.Equal((0, 1, 1, 2, 0, 0), await CountsAsync(db));
        Assert.Equal("m3", (await db.MessageMetadata.AsNoTracking().SingleAsync()).MessageId);
        // With no hold left, the old month went as whole month tables (PostgreSQL partitions, SQLite tables) rather than row by row.
        var old = RecordPartitions.MonthOf(Start.AddDays(-400));
        var catalogue = provider == "postgres" ? ("pg_class", "relname") : ("sqlite_master", "name");
        foreach (var table in new[] { "access_logs", "message_metadata", "message_participants", "stored_content", "media_hashes" })
        {
            Assert.Equal(0, await RecordsKit.CountAsync(db, catalogue.Item1, $"{catalogue.Item2} = '{RecordPartitions.PartitionName(table, old)}'"));
        }
        Assert.Contains(RecordPartitions.PartitionName("access_logs", old), second.Categories.Single(c => c.Category == RecordCategory.AccessLog).DroppedPartitions);
        Assert.Contains(RecordPartitions.PartitionName("message_metadata", old), second.Categories.Single(c => c.Category == RecordCategory.MessageMetadata).DroppedPartitions);
        // The recent month's tables are still there, and still read through the parent.
        Assert.Equal(1, await RecordsKit.CountAsync(db, catalogue.Item1, $"{catalogue.Item2} = '{RecordPartitions.PartitionName("access_logs", RecordPartitions.MonthOf(Start.AddDays(-10)))}'"));
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task A_hold_bounded_in_time_keeps_only_its_range(string provider)
    {
        await using var test = await TestStore.CreateAsync(provider);
        var time = new FakeTimeProvider(Start);
        await using var db = await test.Store.OpenAsync(CancellationToken.None);
        var world = await SeedAsync(db, time.GetUtcNow());
        db.Add(new PreservationHold
        {
            AuthorityId = world.AuthorityId, SelectorKind = SelectorKind.AccountId, SelectorValue = "u2", Category = DataCategory.TrafficData,
            DataFrom = Start.AddDays(-300), DataTo = Start, HeldAt = Start, ExpiresAt = Start.AddDays(90),
        });
        await db.SaveChangesAsync();
        await RecordPurge.RunAsync(db, new RetentionPolicy(), time.GetUtcNow(), dryRun: false, null, CancellationToken.None);
        // u2's old login and message lie before the hold's range, so they go; its recent ones were never expired.
        Assert.Equal((0, 1, 1, 2, 0, 0), await CountsAsync(db));
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task A_purge_inside_a_callers_transaction_deletes_with_it_and_is_undone_when_it_rolls_back(string provider)
    {
        await using var test = await TestStore.CreateAsync(provider);
        var time = new FakeTimeProvider(Start);
        await using var db = await test.Store.OpenAsync(CancellationToken.None);
        await SeedAsync(db, time.GetUtcNow());
        var policy = new RetentionPolicy();

        await using (var tx = await db.Database.BeginTransactionAsync())
        {
            var report = await RecordPurge.RunAsync(db, policy, time.GetUtcNow(), dryRun: false, null, CancellationToken.None);
            Assert.Equal(9, report.Categories.Sum(c => c.Deleted));
            // Inside the transaction the rows are gone (old logins, messages and their index rows, content, hashes)...
            Assert.Equal((0, 1, 1, 2, 0, 0), await CountsAsync(db));
            await tx.RollbackAsync();
        }
        // ...and the rollback brings every one of them back (on PostgreSQL the dropped month partitions too).
        Assert.Equal((2, 4, 3, 6, 1, 1), await CountsAsync(db));

        await using (var tx = await db.Database.BeginTransactionAsync())
        {
            await RecordPurge.RunAsync(db, policy, time.GetUtcNow(), dryRun: false, null, CancellationToken.None);
            await tx.CommitAsync();
        }
        Assert.Equal((0, 1, 1, 2, 0, 0), await CountsAsync(db));
    }
}
