using System.Data.Common;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using Vigil.Storage;

namespace Vigil.Records;

/// <summary>
/// Stores parsed records idempotently: each category has a natural key (a unique index) and every insert is
/// <c>ON CONFLICT DO NOTHING</c>, so a resent record is a duplicate, never a second row. A batch is one transaction:
/// "accepted" is only said after it committed. The month tables the batch needs are created first
/// (<see cref="RecordPartitions"/>); on SQLite rows are inserted into their month table, on PostgreSQL into the
/// partitioned table, which routes them.
/// </summary>
public static class RecordStore
{
    private const int Attempts = 4;

    /// <summary>Stores <paramref name="records"/> (all of one batch) and returns per record whether it is new.</summary>
    public static async Task<bool[]> StoreAsync(VigilDb db, IReadOnlyList<ParsedRecord> records, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(records);
        var isNew = new bool[records.Count];
        if (records.Count == 0)
        {
            return isNew;
        }
        var pg = db is PostgresVigilDb;
        await RecordPartitions.EnsureAsync(db, records, ct);
        for (int attempt = 1; ; attempt++)
        {
            Array.Clear(isNew);
            try
            {
                await using IDbContextTransaction tx = await db.Database.BeginTransactionAsync(ct);
                await using var writer = new Writer(db.Database.GetDbConnection(), tx.GetDbTransaction(), pg);
                for (int i = 0; i < records.Count; i++)
                {
                    isNew[i] = await writer.WriteAsync(records[i], ct);
                }
                await tx.CommitAsync(ct);
                return isNew;
            }
            catch (PostgresException e) when (attempt < Attempts && e.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure)
            {
                // Rolled back as a whole; nothing was acknowledged, so trying again is safe.
            }
        }
    }

    private sealed class Writer(DbConnection connection, DbTransaction transaction, bool pg) : IAsyncDisposable
    {
        private readonly Dictionary<string, DbCommand> commands = new(StringComparer.Ordinal);

        public async ValueTask DisposeAsync()
        {
            foreach (var c in commands.Values)
            {
                await c.DisposeAsync();
            }
        }

        public async Task<bool> WriteAsync(ParsedRecord r, CancellationToken ct)
        {
            switch (r.Entity)
            {
                case SubscriberRecord s:
                    return await SubscriberAsync(s, ct);
                case AccessLogRecord a:
                    return await InsertAsync(
                        $"INSERT INTO {Table("access_logs", a.At)} (\"PlatformId\", \"AccountId\", \"At\", \"IpAddress\", \"SourcePort\", \"DeviceId\", \"RecordedAt\") " +
                        "VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6) ON CONFLICT (\"AccountId\", \"At\", \"IpAddress\", \"PlatformId\") DO NOTHING RETURNING \"Id\"",
                        ct, a.PlatformId, a.AccountId, Time(a.At), a.IpAddress, a.SourcePort, a.DeviceId, Time(a.RecordedAt)) is not null;
                case MessageMetadataRecord m:
                    return await MessageAsync(m, ct);
                case StoredContentRecord c:
                    return await InsertAsync(
                        $"INSERT INTO {Table("stored_content", c.At)} (\"PlatformId\", \"ItemId\", \"AccountId\", \"At\", \"ContentType\", \"Text\", \"Body\", \"RecordedAt\") " +
                        "VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6, @p7) ON CONFLICT (\"PlatformId\", \"ItemId\", \"At\") DO NOTHING RETURNING \"Id\"",
                        ct, c.PlatformId, c.ItemId, c.AccountId, Time(c.At), c.ContentType, c.Text, c.Body, Time(c.RecordedAt)) is not null;
                case MediaHashRecord h:
                    return await InsertAsync(
                        $"INSERT INTO {Table("media_hashes", h.At)} (\"PlatformId\", \"ItemId\", \"AccountId\", \"At\", \"Algorithm\", \"Hash\", \"RecordedAt\") " +
                        "VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6) ON CONFLICT (\"PlatformId\", \"ItemId\", \"Algorithm\", \"At\") DO NOTHING RETURNING \"Id\"",
                        ct, h.PlatformId, h.ItemId, h.AccountId, Time(h.At), h.Algorithm, h.Hash, Time(h.RecordedAt)) is not null;
                default:
                    throw new ArgumentException($"not a record entity: {r.Entity.GetType().Name}", nameof(r));
            }
        }

        private async Task<bool> SubscriberAsync(SubscriberRecord s, CancellationToken ct)
        {
            // Subscriber data is one row per account, updated in place. A changed record is "accepted"; the same
            // values again are a duplicate that still refreshes RecordedAt (retention runs from the last receipt).
            var differs = pg ? "IS DISTINCT FROM" : "IS NOT";
            string[] cols = ["Username", "NamesGiven", "Email", "Phone", "AccountCreatedAt", "Country", "UsPerson"];
            var set = string.Join(", ", cols.Select(c => $"\"{c}\" = excluded.\"{c}\"")) + ", \"RecordedAt\" = excluded.\"RecordedAt\"";
            var where = string.Join(" OR ", cols.Select(c => $"subscriber_records.\"{c}\" {differs} excluded.\"{c}\""));
            var id = await InsertAsync(
                "INSERT INTO subscriber_records (\"PlatformId\", \"AccountId\", \"Username\", \"NamesGiven\", \"Email\", \"Phone\", \"AccountCreatedAt\", \"Country\", \"UsPerson\", \"RecordedAt\") " +
                "VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6, @p7, @p8, @p9) " +
                $"ON CONFLICT (\"PlatformId\", \"AccountId\") DO UPDATE SET {set} WHERE {where} RETURNING \"Id\"",
                ct, s.PlatformId, s.AccountId, s.Username, s.NamesGiven, s.Email, s.Phone, Time(s.AccountCreatedAt), s.Country, s.UsPerson, Time(s.RecordedAt));
            if (id is not null)
            {
                return true;
            }
            await InsertAsync("UPDATE subscriber_records SET \"RecordedAt\" = @p0 WHERE \"PlatformId\" = @p1 AND \"AccountId\" = @p2 RETURNING \"Id\"",
                ct, Time(s.RecordedAt), s.PlatformId, s.AccountId);
            return false;
        }

        private async Task<bool> MessageAsync(MessageMetadataRecord m, CancellationToken ct)
        {
            object recipients = pg ? m.RecipientAccountIds.ToArray() : JsonSerializer.Serialize(m.RecipientAccountIds);
            var id = await InsertAsync(
                $"INSERT INTO {Table("message_metadata", m.At)} (\"PlatformId\", \"MessageId\", \"SenderAccountId\", \"RecipientAccountIds\", \"At\", \"SizeBytes\", \"E2ee\", \"RecordedAt\") " +
                "VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6, @p7) ON CONFLICT (\"PlatformId\", \"MessageId\", \"At\") DO NOTHING RETURNING \"Id\"",
                ct, m.PlatformId, m.MessageId, m.SenderAccountId, recipients, Time(m.At), m.SizeBytes, m.E2ee, Time(m.RecordedAt));
            if (id is not long messageId)
            {
                return false;
            }
            m.Id = messageId;
            // The index rows are written in the same transaction as the message: a message is never found without them.
            var participant =
                $"INSERT INTO {Table("message_participants", m.At)} (\"PlatformId\", \"MessageRecordId\", \"AccountId\", \"At\", \"IsSender\") VALUES (@p0, @p1, @p2, @p3, @p4) " +
                "ON CONFLICT (\"AccountId\", \"At\", \"MessageRecordId\", \"IsSender\") DO NOTHING RETURNING \"Id\"";
            await InsertAsync(participant, ct, m.PlatformId, messageId, m.SenderAccountId, Time(m.At), true);
            foreach (var r in m.RecipientAccountIds)
            {
                await InsertAsync(participant, ct, m.PlatformId, messageId, r, Time(m.At), false);
            }
            return true;
        }

        private object Time(DateTimeOffset t) => pg ? t.ToUniversalTime() : t.UtcTicks;

        /// <summary>Where a row of <paramref name="table"/> at <paramref name="at"/> is inserted (SQLite: its month table; the view takes no inserts).</summary>
        private string Table(string table, DateTimeOffset at) => pg ? table : "\"" + RecordPartitions.PartitionName(table, RecordPartitions.MonthOf(at)) + "\"";

        private async Task<long?> InsertAsync(string sql, CancellationToken ct, params object?[] values)
        {
            if (!commands.TryGetValue(sql, out var cmd))
            {
                cmd = connection.CreateCommand();
                cmd.CommandText = sql;
                cmd.Transaction = transaction;
                for (int i = 0; i < values.Length; i++)
                {
                    var p = cmd.CreateParameter();
                    p.ParameterName = "@p" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    cmd.Parameters.Add(p);
                }
                commands[sql] = cmd;
            }
            for (int i = 0; i < values.Length; i++)
            {
                cmd.Parameters[i].Value = values[i] ?? DBNull.Value;
            }
            // RETURNING yields a row only when a row was written.
            return await cmd.ExecuteScalarAsync(ct) is long id ? id : null;
        }
    }
}
