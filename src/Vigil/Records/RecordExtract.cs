using Microsoft.EntityFrameworkCore;
using Vigil.Storage;

namespace Vigil.Records;

/// <summary>One account's records over a time range: what a disclosure for that account reads.</summary>
public sealed record AccountExtract(SubscriberRecord? Subscriber, IReadOnlyList<AccessLogRecord> AccessLogs, IReadOnlyList<MessageMetadataRecord> Messages)
{
    public int RecordCount => (Subscriber is null ? 0 : 1) + AccessLogs.Count + Messages.Count;
}

/// <summary>The queries that read one account's records: range scans on (account, time), messages through their participants index.</summary>
public static class RecordExtract
{
    /// <summary>Reads the subscriber row, the access logs and the messages (sent or received) of one account in [from, to).</summary>
    public static async Task<AccountExtract> ReadAsync(VigilDb db, long platformId, string accountId, DateTimeOffset since, DateTimeOffset until, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var subscriber = await db.SubscriberRecords.AsNoTracking()
            .FirstOrDefaultAsync(s => s.PlatformId == platformId && s.AccountId == accountId, ct);
        var logs = await db.AccessLogs.AsNoTracking()
            .Where(a => a.AccountId == accountId && a.At >= since && a.At < until && a.PlatformId == platformId)
            .OrderBy(a => a.At)
            .ToListAsync(ct);
        // Joined on (Id, At) so PostgreSQL prunes to the message's month partition.
        var messages = await (
            from p in db.MessageParticipants.AsNoTracking()
            where p.AccountId == accountId && p.At >= since && p.At < until && p.PlatformId == platformId
            join m in db.MessageMetadata.AsNoTracking() on new { Id = p.MessageRecordId, p.At } equals new { m.Id, m.At }
            orderby p.At
            select m).ToListAsync(ct);
        // A message the account sent to itself has two participant rows; it is one message.
        var distinct = messages.DistinctBy(m => m.Id).ToList();
        return new AccountExtract(subscriber, logs, distinct);
    }
}
