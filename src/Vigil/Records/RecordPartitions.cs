using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Vigil.Storage;

namespace Vigil.Records;

/// <summary>
/// PostgreSQL month partitions of the event record tables (migration <c>RecordsPartitioning</c>): named
/// <c>TABLE_YYYYMM</c>, created on demand before inserts land, detached and dropped whole by the purge.
/// </summary>
public static class RecordPartitions
{
    /// <summary>The partitioned tables, each with the category whose retention governs it.</summary>
    public static readonly IReadOnlyList<(string Table, RecordCategory Category)> Tables =
    [
        ("access_logs", RecordCategory.AccessLog),
        ("message_metadata", RecordCategory.MessageMetadata),
        ("message_participants", RecordCategory.MessageMetadata),
        ("stored_content", RecordCategory.StoredContent),
        ("media_hashes", RecordCategory.MediaHash),
    ];

    /// <summary>The first instant (UTC) of the month holding <paramref name="at"/>.</summary>
    public static DateTimeOffset MonthOf(DateTimeOffset at)
    {
        var u = at.ToUniversalTime();
        return new DateTimeOffset(u.Year, u.Month, 1, 0, 0, 0, TimeSpan.Zero);
    }

    /// <summary>The partition name of <paramref name="table"/> for the month starting at <paramref name="month"/>.</summary>
    public static string PartitionName(string table, DateTimeOffset month) =>
        table + "_" + month.ToString("yyyyMM", CultureInfo.InvariantCulture);

    /// <summary>Creates the month partitions that <paramref name="records"/> will land in (no-op for existing ones).</summary>
    public static Task EnsureAsync(VigilDb db, IEnumerable<ParsedRecord> records, CancellationToken ct)
    {
        var wanted = new HashSet<(string, DateTimeOffset)>();
        foreach (var r in records)
        {
            switch (r.Entity)
            {
                case AccessLogRecord a:
                    wanted.Add(("access_logs", MonthOf(a.At)));
                    break;
                case MessageMetadataRecord m:
                    wanted.Add(("message_metadata", MonthOf(m.At)));
                    wanted.Add(("message_participants", MonthOf(m.At)));
                    break;
                case StoredContentRecord c:
                    wanted.Add(("stored_content", MonthOf(c.At)));
                    break;
                case MediaHashRecord h:
                    wanted.Add(("media_hashes", MonthOf(h.At)));
                    break;
                default:
                    break;
            }
        }
        return EnsureAsync(db, wanted, ct);
    }

    /// <summary>Creates the given (table, month) partitions that do not exist yet, each in its own short transaction.</summary>
    public static async Task EnsureAsync(VigilDb db, IEnumerable<(string Table, DateTimeOffset Month)> partitions, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var list = partitions.ToList();
        if (list.Count == 0 || db is not PostgresVigilDb)
        {
            return;
        }
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            var conn = (NpgsqlConnection)db.Database.GetDbConnection();
            // A cheap catalogue probe first: the common case (every month exists) costs one round trip and no lock.
            await using (var probe = new NpgsqlCommand("SELECT t, m FROM unnest(@t, @m) AS x(t, m) WHERE to_regclass(quote_ident(t || '_' || to_char(m, 'YYYYMM'))) IS NULL", conn))
            {
                probe.Parameters.AddWithValue("t", list.Select(x => x.Table).ToArray());
                probe.Parameters.AddWithValue("m", list.Select(x => DateOnly.FromDateTime(x.Month.UtcDateTime)).ToArray());
                var missing = new List<(string, DateOnly)>();
                await using (var reader = await probe.ExecuteReaderAsync(ct))
                {
                    while (await reader.ReadAsync(ct))
                    {
                        missing.Add((reader.GetString(0), DateOnly.FromDateTime(reader.GetDateTime(1))));
                    }
                }
                foreach (var (table, month) in missing)
                {
                    await using var create = new NpgsqlCommand("SELECT vigil_records_ensure_partition(@t, @m)", conn);
                    create.Parameters.AddWithValue("t", table);
                    create.Parameters.AddWithValue("m", month);
                    await create.ExecuteScalarAsync(ct);
                }
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}
