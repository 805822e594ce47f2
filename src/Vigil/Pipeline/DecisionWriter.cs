using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using NpgsqlTypes;
using Vigil.Storage;

namespace Vigil.Pipeline;

/// <summary>
/// Inserts a batch's decision rows in the caller's transaction and sets their ids. EF's tracked inserts cost
/// a change-tracker entry, a parameter set and a result row per decision; here PostgreSQL gets one
/// <c>INSERT … SELECT FROM unnest(arrays) RETURNING</c> for the whole batch, and SQLite one prepared statement
/// run per row. The rows are the same as <c>db.Decisions.Add</c> + <c>SaveChanges</c> would write.
/// </summary>
internal static class DecisionWriter
{
    private const string PostgresInsert =
        "INSERT INTO decisions (\"IngestItemId\", \"PlatformId\", \"DecidedAt\", \"RulesVersion\", \"FiredRules\", \"EnforcedActions\", \"ShadowActions\", \"Signals\", \"Notes\", \"LatencyMs\") " +
        "SELECT u.item, u.platform, u.decided_at, u.rules_version, u.fired, u.enforced, u.shadow, u.signals, u.notes, u.latency " +
        "FROM unnest(@item, @platform, @decided_at, @rules_version, @fired, @enforced, @shadow, @signals, @notes, @latency) " +
        "AS u(item, platform, decided_at, rules_version, fired, enforced, shadow, signals, notes, latency) " +
        "RETURNING \"Id\", \"IngestItemId\"";

    private const string SqliteInsert =
        "INSERT INTO decisions (\"IngestItemId\", \"PlatformId\", \"DecidedAt\", \"RulesVersion\", \"FiredRules\", \"EnforcedActions\", \"ShadowActions\", \"Signals\", \"Notes\", \"LatencyMs\") " +
        "VALUES ($item, $platform, $decided_at, $rules_version, $fired, $enforced, $shadow, $signals, $notes, $latency) RETURNING \"Id\"";

    private static readonly string[] SqliteParameters =
        ["$item", "$platform", "$decided_at", "$rules_version", "$fired", "$enforced", "$shadow", "$signals", "$notes", "$latency"];

    /// <summary>Inserts <paramref name="records"/> (at most one per ingest item) and sets each one's <c>Id</c>.</summary>
    public static async Task InsertAsync(VigilDb db, List<DecisionRecord> records, CancellationToken ct)
    {
        if (records.Count == 0)
        {
            return;
        }
        if (db.Database.CurrentTransaction is not { } tx)
        {
            throw new InvalidOperationException("decisions are written inside the batch's transaction");
        }
        if (db is PostgresVigilDb)
        {
            await InsertPostgresAsync(db, tx, records, ct);
        }
        else
        {
            await InsertSqliteAsync(db, tx, records, ct);
        }
    }

    private static async Task InsertPostgresAsync(VigilDb db, IDbContextTransaction tx, List<DecisionRecord> records, CancellationToken ct)
    {
        var n = records.Count;
        var items = new long[n];
        var platforms = new long[n];
        var decided = new DateTimeOffset[n];
        var versions = new string[n];
        var fired = new string[n];
        var enforced = new string[n];
        var shadow = new string[n];
        var signals = new string[n];
        var notes = new string?[n];
        var latency = new double[n];
        var byItem = new Dictionary<long, DecisionRecord>(n);
        for (var k = 0; k < n; k++)
        {
            var r = records[k];
            if (!byItem.TryAdd(r.IngestItemId, r))
            {
                throw new ArgumentException($"two decisions for ingest item {r.IngestItemId} in one batch", nameof(records));
            }
            items[k] = r.IngestItemId;
            platforms[k] = r.PlatformId;
            // timestamptz takes offset 0 only.
            decided[k] = r.DecidedAt.ToUniversalTime();
            versions[k] = r.RulesVersion;
            fired[k] = r.FiredRules;
            enforced[k] = r.EnforcedActions;
            shadow[k] = r.ShadowActions;
            signals[k] = r.Signals;
            notes[k] = r.Notes;
            latency[k] = r.LatencyMs;
        }
        await using var cmd = (NpgsqlCommand)db.Database.GetDbConnection().CreateCommand();
        cmd.CommandText = PostgresInsert;
        cmd.Transaction = (NpgsqlTransaction)tx.GetDbTransaction();
        cmd.Parameters.Add(new NpgsqlParameter<long[]>("item", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { TypedValue = items });
        cmd.Parameters.Add(new NpgsqlParameter<long[]>("platform", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { TypedValue = platforms });
        cmd.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]>("decided_at", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { TypedValue = decided });
        cmd.Parameters.Add(new NpgsqlParameter<string[]>("rules_version", NpgsqlDbType.Array | NpgsqlDbType.Varchar) { TypedValue = versions });
        cmd.Parameters.Add(new NpgsqlParameter<string[]>("fired", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = fired });
        cmd.Parameters.Add(new NpgsqlParameter<string[]>("enforced", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = enforced });
        cmd.Parameters.Add(new NpgsqlParameter<string[]>("shadow", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = shadow });
        cmd.Parameters.Add(new NpgsqlParameter<string[]>("signals", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = signals });
        cmd.Parameters.Add(new NpgsqlParameter<string?[]>("notes", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = notes });
        cmd.Parameters.Add(new NpgsqlParameter<double[]>("latency", NpgsqlDbType.Array | NpgsqlDbType.Double) { TypedValue = latency });
        var set = 0;
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                byItem[reader.GetInt64(1)].Id = reader.GetInt64(0);
                set++;
            }
        }
        if (set != n)
        {
            throw new InvalidOperationException($"inserted {set} of {n} decisions");
        }
    }

    private static async Task InsertSqliteAsync(VigilDb db, IDbContextTransaction tx, List<DecisionRecord> records, CancellationToken ct)
    {
        await using var cmd = db.Database.GetDbConnection().CreateCommand();
        cmd.CommandText = SqliteInsert;
        cmd.Transaction = tx.GetDbTransaction();
        var p = Array.ConvertAll(SqliteParameters, name => Add(cmd, name));
        await cmd.PrepareAsync(ct);
        foreach (var r in records)
        {
            p[0].Value = r.IngestItemId;
            p[1].Value = r.PlatformId;
            // The SQLite model stores DateTimeOffset as UTC ticks (DateTimeOffsetToUtcTicksConverter).
            p[2].Value = r.DecidedAt.UtcTicks;
            p[3].Value = r.RulesVersion;
            p[4].Value = r.FiredRules;
            p[5].Value = r.EnforcedActions;
            p[6].Value = r.ShadowActions;
            p[7].Value = r.Signals;
            p[8].Value = (object?)r.Notes ?? DBNull.Value;
            p[9].Value = r.LatencyMs;
            r.Id = (long)(await cmd.ExecuteScalarAsync(ct))!;
        }
    }

    private static DbParameter Add(DbCommand cmd, string name)
    {
        var p = cmd.CreateParameter();
        p.ParameterName = name;
        cmd.Parameters.Add(p);
        return p;
    }
}
