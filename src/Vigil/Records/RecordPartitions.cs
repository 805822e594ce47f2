using System.Data.Common;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Vigil.Storage;

namespace Vigil.Records;

/// <summary>
/// Month tables of the event record tables, so that the purge drops a month whole instead of deleting its rows one by
/// one. Each month of each table is <c>TABLE_YYYYMM</c>, created on demand before inserts land.
/// <list type="bullet">
/// <item>PostgreSQL (migration <c>RecordsPartitioning</c>): declarative partitions of <c>TABLE</c>, with a default partition.</item>
/// <item>SQLite (migration <c>RecordsMonthTables</c>): plain tables made from <c>TABLE_default</c> (the rows stored before
/// month tables existed); <c>TABLE</c> is a view, the UNION ALL of the default table and the months, rebuilt whenever a
/// month is created or dropped. Inserts name the month table; every read goes through the view, whose WHERE SQLite
/// pushes down into each month's indexes. Ids are unique across months (<see cref="SqliteIdBase"/>).</item>
/// </list>
/// </summary>
public static partial class RecordPartitions
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

    /// <summary>The month <paramref name="name"/> holds when it is a month table of <paramref name="table"/>; null otherwise.</summary>
    public static DateTimeOffset? MonthOfName(string table, string name)
    {
        if (name.Length != table.Length + 7 || !name.StartsWith(table + "_", StringComparison.Ordinal))
        {
            return null;
        }
        return DateTimeOffset.TryParseExact(name[(table.Length + 1)..] + "01", "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var month)
            ? month.ToUniversalTime()
            : null;
    }

    /// <summary>
    /// The first id of a SQLite month table's AUTOINCREMENT sequence. Each month has its own 2^32 ids, so ids stay unique
    /// across months (a message's participant rows refer to it by id), as PostgreSQL's one identity per table ensures.
    /// </summary>
    public static long SqliteIdBase(DateTimeOffset month) => ((long)month.Year * 12 + month.Month - 1) << 32;

    /// <summary>Creates the given (table, month) partitions that do not exist yet, each in its own short transaction.</summary>
    public static async Task EnsureAsync(VigilDb db, IEnumerable<(string Table, DateTimeOffset Month)> partitions, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var list = partitions.ToList();
        if (list.Count == 0)
        {
            return;
        }
        if (db is not PostgresVigilDb)
        {
            await EnsureSqliteAsync(db, list, ct);
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

    private static async Task EnsureSqliteAsync(VigilDb db, List<(string Table, DateTimeOffset Month)> wanted, CancellationToken ct)
    {
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            var conn = db.Database.GetDbConnection();
            // The common case (every month exists) reads the schema SQLite already holds in memory and takes no lock.
            var existing = await SqliteTablesAsync(conn, null, ct);
            if (wanted.All(w => existing.Contains(PartitionName(w.Table, w.Month))))
            {
                return;
            }
            // Microsoft.Data.Sqlite begins IMMEDIATE: a second writer asking for the same month waits, then finds it made.
            await using var tx = await conn.BeginTransactionAsync(ct);
            await CreateSqliteAsync(conn, tx, wanted, ct);
            await tx.CommitAsync(ct);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>The names of every table in a SQLite database.</summary>
    public static async Task<HashSet<string>> SqliteTablesAsync(DbConnection conn, DbTransaction? tx, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(conn);
        await using var cmd = conn.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table'";
        var names = new HashSet<string>(StringComparer.Ordinal);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            names.Add(r.GetString(0));
        }
        return names;
    }

    /// <summary>The month tables of <paramref name="table"/> in a SQLite database, oldest first.</summary>
    public static async Task<List<(string Name, DateTimeOffset Month)>> SqliteMonthTablesAsync(DbConnection conn, DbTransaction? tx, string table, CancellationToken ct) =>
        MonthTables(await SqliteTablesAsync(conn, tx, ct), table);

    private static List<(string Name, DateTimeOffset Month)> MonthTables(IEnumerable<string> names, string table) =>
        [.. names.Select(n => (Name: n, Month: MonthOfName(table, n))).Where(x => x.Month is not null).Select(x => (x.Name, x.Month!.Value)).OrderBy(x => x.Item2)];

    /// <summary>
    /// Inside <paramref name="tx"/>, creates the SQLite month tables among <paramref name="wanted"/> that do not exist,
    /// with the default table's columns and indexes, moves the default table's rows of that month into them (as
    /// PostgreSQL moves them out of its default partition, so a natural key stays unique), and rebuilds the views.
    /// </summary>
    public static async Task<List<string>> CreateSqliteAsync(DbConnection conn, DbTransaction tx, IEnumerable<(string Table, DateTimeOffset Month)> wanted, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(conn);
        var existing = await SqliteTablesAsync(conn, tx, ct);
        var created = new List<string>();
        foreach (var (table, month) in wanted.Distinct())
        {
            var name = PartitionName(table, month);
            if (!existing.Add(name))
            {
                continue;
            }
            var template = table + "_default";
            var ddl = new List<string>();
            await using (var q = Command(conn, tx, "SELECT type, sql FROM sqlite_master WHERE tbl_name = $t AND sql IS NOT NULL ORDER BY type = 'index', name", ("$t", template)))
            await using (var r = await q.ExecuteReaderAsync(ct))
            {
                while (await r.ReadAsync(ct))
                {
                    ddl.Add(r.GetString(0) == "table"
                        ? TableName().Replace(r.GetString(1), $"CREATE TABLE \"{name}\"", 1)
                        : IndexName().Replace(r.GetString(1), m => $"CREATE {m.Groups[1].Value}INDEX \"{name}_{m.Groups[2].Value}\" ON \"{name}\"", 1));
                }
            }
            if (ddl.Count == 0)
            {
                throw new InvalidOperationException($"the SQLite table {template} is missing: the database predates migration RecordsMonthTables");
            }
            var (lo, hi) = (month.UtcTicks, month.AddMonths(1).UtcTicks);
            ddl.Add($"DELETE FROM sqlite_sequence WHERE name = '{name}'");
            ddl.Add($"INSERT INTO sqlite_sequence (name, seq) VALUES ('{name}', {SqliteIdBase(month).ToString(CultureInfo.InvariantCulture)})");
            ddl.Add(FormattableString.Invariant($"INSERT INTO \"{name}\" SELECT * FROM \"{template}\" WHERE \"At\" >= {lo} AND \"At\" < {hi}"));
            ddl.Add(FormattableString.Invariant($"DELETE FROM \"{template}\" WHERE \"At\" >= {lo} AND \"At\" < {hi}"));
            foreach (var sql in ddl)
            {
                await using var cmd = Command(conn, tx, sql);
                await cmd.ExecuteNonQueryAsync(ct);
            }
            created.Add(name);
        }
        // Only the views of tables that gained a month: any schema change makes every connection prepare its statements again.
        foreach (var table in Tables.Select(t => t.Table).Where(t => created.Any(n => MonthOfName(t, n) is not null)))
        {
            await RebuildSqliteViewAsync(conn, tx, table, existing, ct);
        }
        return created;
    }

    /// <summary>Inside <paramref name="tx"/>, drops SQLite month tables (their indexes with them) and rebuilds the views.</summary>
    public static async Task DropSqliteAsync(DbConnection conn, DbTransaction tx, IReadOnlyCollection<string> names, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(names);
        var existing = await SqliteTablesAsync(conn, tx, ct);
        foreach (var name in names.Where(existing.Contains))
        {
            await using var cmd = Command(conn, tx, $"DROP TABLE \"{name}\"");
            await cmd.ExecuteNonQueryAsync(ct);
            existing.Remove(name);
        }
        foreach (var (table, _) in Tables.Where(t => names.Any(n => MonthOfName(t.Table, n) is not null)))
        {
            await RebuildSqliteViewAsync(conn, tx, table, existing, ct);
        }
    }

    private static async Task RebuildSqliteViewAsync(DbConnection conn, DbTransaction tx, string table, IEnumerable<string> tables, CancellationToken ct)
    {
        // Same columns in the same order in every arm: each month table was made from the default table's DDL.
        var arms = MonthTables(tables, table).Select(m => m.Name).Prepend(table + "_default").Select(n => $"SELECT * FROM \"{n}\"");
        await using var cmd = Command(conn, tx, $"DROP VIEW IF EXISTS \"{table}\"; CREATE VIEW \"{table}\" AS {string.Join(" UNION ALL ", arms)}");
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static DbCommand Command(DbConnection conn, DbTransaction? tx, string sql, params (string Name, object Value)[] parameters)
    {
        var cmd = conn.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        foreach (var (n, v) in parameters)
        {
            var p = cmd.CreateParameter();
            p.ParameterName = n;
            p.Value = v;
            cmd.Parameters.Add(p);
        }
        return cmd;
    }

    [GeneratedRegex("^CREATE TABLE \"[^\"]+\"")]
    private static partial Regex TableName();

    [GeneratedRegex("^CREATE (UNIQUE )?INDEX \"([^\"]+)\" ON \"[^\"]+\"")]
    private static partial Regex IndexName();
}
