using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using NpgsqlTypes;
using Vigil.Storage;

namespace Vigil.Ingest;

/// <summary>Stores accepted items, idempotent by (platform, item id).</summary>
public static class IngestStore
{
    private const int Attempts = 4;

    private const string Columns = "\"PlatformId\", \"ItemId\", \"Type\", \"AccountId\", \"CreatedAt\", \"ReceivedAt\", \"Text\", \"E2ee\", \"ImageSha256\", \"Image\", \"Metadata\"";

    // One statement for the whole batch: the arrays arrive as 11 parameters whatever the batch size, so the plan is
    // reused, and ON CONFLICT leaves the unique index to decide between concurrent batches.
    private const string PostgresInsert =
        "INSERT INTO ingest_items (" + Columns + ") " +
        "SELECT @platform, * FROM unnest(@item_id, @type, @account_id, @created_at, @received_at, @text, @e2ee, @image_sha256, @image, @metadata) " +
        "ON CONFLICT (\"PlatformId\", \"ItemId\") DO NOTHING RETURNING \"Id\", \"ItemId\"";

    private const string SqliteInsert =
        "INSERT INTO ingest_items (" + Columns + ") " +
        "VALUES ($platform, $item_id, $type, $account_id, $created_at, $received_at, $text, $e2ee, $image_sha256, $image, $metadata) " +
        "ON CONFLICT (\"PlatformId\", \"ItemId\") DO NOTHING RETURNING \"Id\"";

    /// <summary>
    /// Stores the items not already there, all or nothing; returns, per item, whether it is new (true) or a duplicate.
    /// New items get their database <see cref="IngestItem.Id"/>. The same id twice in one batch: the first is stored,
    /// the rest are duplicates of it. A concurrent batch with the same ids waits on the unique index; whichever commits
    /// first stores the item and the other reports it as a duplicate, so "new" is only said after our commit.
    /// </summary>
    public static async Task<bool[]> StoreAsync(VigilDb db, long platformId, IReadOnlyList<IngestItem> items, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(items);
        var isNew = new bool[items.Count];
        if (items.Count == 0)
        {
            return isNew;
        }
        var first = FirstOccurrences(items);
        for (int attempt = 1; ; attempt++)
        {
            Array.Clear(isNew);
            foreach (var k in first)
            {
                items[k].Id = 0;
            }
            try
            {
                if (db is PostgresVigilDb)
                {
                    await StorePostgresAsync(db, platformId, items, first, isNew, ct);
                }
                else
                {
                    await StoreSqliteAsync(db, platformId, items, first, isNew, ct);
                }
                return isNew;
            }
            catch (PostgresException e) when (attempt < Attempts && e.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure)
            {
                // The statement was rolled back as a whole; nothing of it was stored, so trying again is safe.
            }
        }
    }

    /// <summary>Indexes of the first item of each distinct id, ordered by id (ordinal).</summary>
    private static int[] FirstOccurrences(IReadOnlyList<IngestItem> items)
    {
        var seen = new HashSet<string>(items.Count, StringComparer.Ordinal);
        var first = new List<int>(items.Count);
        for (int k = 0; k < items.Count; k++)
        {
            if (seen.Add(items[k].ItemId))
            {
                first.Add(k);
            }
        }
        // Concurrent batches insert shared ids in the same order, so they wait on each other instead of deadlocking.
        first.Sort((a, b) => string.CompareOrdinal(items[a].ItemId, items[b].ItemId));
        return [.. first];
    }

    private static async Task StorePostgresAsync(VigilDb db, long platformId, IReadOnlyList<IngestItem> items, int[] first, bool[] isNew, CancellationToken ct)
    {
        int n = first.Length;
        var ids = new string[n];
        var types = new string[n];
        var accounts = new string[n];
        var created = new DateTimeOffset[n];
        var received = new DateTimeOffset[n];
        var texts = new string?[n];
        var e2ee = new bool[n];
        var sha = new byte[]?[n];
        var images = new byte[]?[n];
        var metadata = new string?[n];
        for (int j = 0; j < n; j++)
        {
            var item = items[first[j]];
            ids[j] = item.ItemId;
            types[j] = item.Type;
            accounts[j] = item.AccountId;
            // timestamptz takes offset 0 only.
            created[j] = item.CreatedAt.ToUniversalTime();
            received[j] = item.ReceivedAt.ToUniversalTime();
            texts[j] = item.Text;
            e2ee[j] = item.E2ee;
            sha[j] = item.ImageSha256;
            images[j] = item.Image;
            metadata[j] = item.Metadata;
        }
        var index = new Dictionary<string, int>(n, StringComparer.Ordinal);
        foreach (var k in first)
        {
            index[items[k].ItemId] = k;
        }

        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var cmd = (NpgsqlCommand)db.Database.GetDbConnection().CreateCommand();
            cmd.CommandText = PostgresInsert;
            cmd.Transaction = (NpgsqlTransaction?)db.Database.CurrentTransaction?.GetDbTransaction();
            cmd.Parameters.Add(new NpgsqlParameter<long>("platform", NpgsqlDbType.Bigint) { TypedValue = platformId });
            cmd.Parameters.Add(new NpgsqlParameter<string[]>("item_id", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = ids });
            cmd.Parameters.Add(new NpgsqlParameter<string[]>("type", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = types });
            cmd.Parameters.Add(new NpgsqlParameter<string[]>("account_id", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = accounts });
            cmd.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]>("created_at", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { TypedValue = created });
            cmd.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]>("received_at", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { TypedValue = received });
            cmd.Parameters.Add(new NpgsqlParameter<string?[]>("text", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = texts });
            cmd.Parameters.Add(new NpgsqlParameter<bool[]>("e2ee", NpgsqlDbType.Array | NpgsqlDbType.Boolean) { TypedValue = e2ee });
            cmd.Parameters.Add(new NpgsqlParameter<byte[]?[]>("image_sha256", NpgsqlDbType.Array | NpgsqlDbType.Bytea) { TypedValue = sha });
            cmd.Parameters.Add(new NpgsqlParameter<byte[]?[]>("image", NpgsqlDbType.Array | NpgsqlDbType.Bytea) { TypedValue = images });
            cmd.Parameters.Add(new NpgsqlParameter<string?[]>("metadata", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = metadata });
            // Outside a caller's transaction the statement commits on its own before the rows come back complete.
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                int k = index[reader.GetString(1)];
                items[k].Id = reader.GetInt64(0);
                isNew[k] = true;
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static async Task StoreSqliteAsync(VigilDb db, long platformId, IReadOnlyList<IngestItem> items, int[] first, bool[] isNew, CancellationToken ct)
    {
        // Microsoft.Data.Sqlite begins IMMEDIATE: the write lock is taken up front, so writers queue on busy_timeout
        // instead of failing to upgrade a read lock.
        var owned = db.Database.CurrentTransaction is null;
        IDbContextTransaction? tx = owned ? await db.Database.BeginTransactionAsync(ct) : null;
        try
        {
            await using var cmd = db.Database.GetDbConnection().CreateCommand();
            cmd.CommandText = SqliteInsert;
            cmd.Transaction = db.Database.CurrentTransaction!.GetDbTransaction();
            var p = SqliteParameters.Select(name => Add(cmd, name)).ToArray();
            p[0].Value = platformId;
            await cmd.PrepareAsync(ct);
            foreach (var k in first)
            {
                var item = items[k];
                p[1].Value = item.ItemId;
                p[2].Value = item.Type;
                p[3].Value = item.AccountId;
                // The SQLite model stores DateTimeOffset as UTC ticks (DateTimeOffsetToUtcTicksConverter).
                p[4].Value = item.CreatedAt.UtcTicks;
                p[5].Value = item.ReceivedAt.UtcTicks;
                p[6].Value = (object?)item.Text ?? DBNull.Value;
                p[7].Value = item.E2ee ? 1L : 0L;
                p[8].Value = (object?)item.ImageSha256 ?? DBNull.Value;
                p[9].Value = (object?)item.Image ?? DBNull.Value;
                p[10].Value = (object?)item.Metadata ?? DBNull.Value;
                // RETURNING yields a row only when the insert happened (not on conflict).
                if (await cmd.ExecuteScalarAsync(ct) is long id)
                {
                    item.Id = id;
                    isNew[k] = true;
                }
            }
            if (tx is not null)
            {
                await tx.CommitAsync(ct);
            }
        }
        finally
        {
            if (tx is not null)
            {
                await tx.DisposeAsync();
            }
        }
    }

    private static readonly string[] SqliteParameters =
        ["$platform", "$item_id", "$type", "$account_id", "$created_at", "$received_at", "$text", "$e2ee", "$image_sha256", "$image", "$metadata"];

    private static DbParameter Add(DbCommand cmd, string name)
    {
        var p = cmd.CreateParameter();
        p.ParameterName = name;
        cmd.Parameters.Add(p);
        return p;
    }
}
