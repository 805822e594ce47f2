using System.CommandLine;
using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Vigil.Bench;
using Vigil.Authorities;
using Vigil.Cli;
using Vigil.Disclosure;
using Vigil.Orders;
using Vigil.Platforms;
using Vigil.Signing;
using Vigil.Storage;

namespace Vigil.Records;

/// <summary>Figures of one <c>vigil bench records</c> run (docs/records.md).</summary>
public sealed record RecordsBenchReport(
    string Provider, long AccessLogs, long Messages, long Participants, long Subscribers, int Accounts, int Seed, bool Reused,
    double LoadSeconds, double LoadRowsPerSecond, long DatabaseBytes,
    int Samples, double MeanRecordsPerAccount, double ExtractP50Ms, double ExtractP99Ms,
    double PackageP50Ms, double PackageP99Ms, double MeanPackageBytes,
    string PurgeMode, double PurgeMonthSeconds, long PurgedRows, int DroppedPartitions);

/// <summary>
/// <c>vigil bench records</c>: a seeded, deterministic generator of subscriber records (one per account), access logs
/// and message metadata (with their participant index rows) over the 13 calendar months before a fixed "now"
/// (2026-12-01T00:00Z), then, per sampled account, the disclosure of an approved order for its last 12 months (a
/// SubscriberData and a TrafficData task, evaluated with the disclosure builder's own queries, then the real package:
/// per-task JSON, CSV views, signed manifest, CMS EnvelopedData AES-256), and the retention purge of the oldest month
/// (the default 12-month retention: exactly that month is past it and no extraction window touches it).
/// </summary>
public static class RecordsBench
{
    private const int Months = 13;
    private const string Marker = "vigil_records_bench";

    /// <summary>The bench's clock: a month boundary, so the purged month lies wholly outside the extraction window.</summary>
    public static readonly DateTimeOffset Now = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The first month generated.</summary>
    public static readonly DateTimeOffset First = Now.AddMonths(-Months);

    public static Command Command()
    {
        var rows = new Option<long>("--rows") { Description = "Records to generate: half access logs, half messages (each with 1-2 recipients); plus one subscriber record per account", DefaultValueFactory = _ => 1_000_000 };
        var accounts = new Option<int>("--accounts") { Description = "Distinct accounts", DefaultValueFactory = _ => 100_000 };
        var seed = new Option<int>("--seed") { Description = "Seed of the generated records", DefaultValueFactory = _ => 1 };
        var samples = new Option<int>("--samples") { Description = "Random accounts to extract and package", DefaultValueFactory = _ => 100 };
        var reuse = new Option<bool>("--reuse") { Description = "Skip the load when the database already holds this benchmark's records for the same --rows, --accounts and --seed" };
        var cmd = new Command("records",
            "Generate subscriber records, access logs and message metadata over 13 months into a fresh SQLite folder (--data) or an EMPTY PostgreSQL " +
            "database (--postgres), then time one account's 12-month disclosure: the builder's queries (p50/p99), its encrypted package (p50/p99), " +
            "and the purge of one month")
        {
            rows, accounts, seed, samples, reuse,
        };
        cmd.SetAction((parse, ct) => CliContext.Guard(parse, async output =>
        {
            var store = CliContext.Store(parse);
            var report = await RunAsync(store, parse.GetValue(rows), parse.GetValue(accounts), parse.GetValue(seed), parse.GetValue(samples), parse.GetValue(reuse),
                parse.GetValue(CliContext.Json) ? TextWriter.Null : output, ct);
            if (parse.GetValue(CliContext.Json))
            {
                CliContext.WriteJson(parse, report);
            }
            else
            {
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"""
                    provider            {report.Provider}
                    records             {report.AccessLogs} access logs + {report.Messages} messages ({report.Participants} participant rows) + {report.Subscribers} subscribers, {report.Accounts} accounts, seed {report.Seed}
                    load                {(report.Reused ? "reused (loaded earlier in " : "")}{report.LoadSeconds:F1} s{(report.Reused ? ")" : "")}, {report.LoadRowsPerSecond:F0} rows/s
                    database size       {report.DatabaseBytes / 1048576.0:F0} MiB
                    extract (12 months) p50 {report.ExtractP50Ms:F1} ms  p99 {report.ExtractP99Ms:F1} ms  over {report.Samples} accounts, {report.MeanRecordsPerAccount:F0} records each on average
                    package             p50 {report.PackageP50Ms:F1} ms  p99 {report.PackageP99Ms:F1} ms  ({report.MeanPackageBytes / 1024:F0} KiB on average)
                    purge one month     {report.PurgeMonthSeconds:F2} s  ({report.PurgedRows} rows, {report.DroppedPartitions} partitions dropped; {report.PurgeMode})
                    """));
            }
            return 0;
        }));
        return cmd;
    }

    public static async Task<RecordsBenchReport> RunAsync(VigilStore store, long rows, int accounts, int seed, int samples, bool reuse, TextWriter progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(progress);
        if (rows < 2 || accounts < 1 || samples < 1)
        {
            throw new CliException("--rows must be at least 2, --accounts and --samples at least 1");
        }
        await using var db = await store.OpenAsync(ct);
        var pg = db is PostgresVigilDb;
        var layout = new Layout(seed, accounts, rows / 2, rows - rows / 2);
        var loaded = await ReadMarkerAsync(db, ct);
        bool reused;
        double loadSeconds;
        long loadedRows;
        long platformId;
        var purged = false;
        if (loaded is not null && reuse && loaded.Seed == seed && loaded.Rows == rows && loaded.Accounts == accounts)
        {
            await progress.WriteLineAsync("reusing the records loaded earlier");
            (reused, loadSeconds, loadedRows, platformId, purged) = (true, loaded.LoadSeconds, loaded.LoadedRows, loaded.PlatformId, loaded.Purged);
        }
        else
        {
            if (loaded is not null || await db.AccessLogs.AnyAsync(ct) || await db.MessageMetadata.AnyAsync(ct) || await db.SubscriberRecords.AnyAsync(ct))
            {
                throw new CliException(loaded is null
                    ? "the records tables are not empty; run the benchmark on a fresh --data folder or an empty PostgreSQL database"
                    : string.Create(CultureInfo.InvariantCulture,
                        $"this database holds the benchmark's records for --rows {loaded.Rows} --accounts {loaded.Accounts} --seed {loaded.Seed}; pass those with --reuse, or use a fresh database"));
            }
            var platform = new Platform { Name = "bench-" + seed.ToString(CultureInfo.InvariantCulture), CreatedAt = Now };
            db.Add(platform);
            await db.SaveChangesAsync(ct);
            platformId = platform.Id;
            var load = Stopwatch.StartNew();
            if (pg)
            {
                await PostgresLoader.LoadAsync(db, store.PostgresConnectionString!, layout, platformId, progress, ct);
            }
            else
            {
                await SqliteLoader.LoadAsync(store.SqlitePath, layout, platformId, progress, ct);
            }
            load.Stop();
            loadSeconds = load.Elapsed.TotalSeconds;
            reused = false;
            var c = await CountsAsync(db, ct);
            loadedRows = c.AccessLogs + c.Messages + c.Participants + c.Subscribers;
            await WriteMarkerAsync(db, new MarkerRow(seed, rows, accounts, platformId, loadSeconds, loadedRows, false), ct);
            await progress.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"loaded in {loadSeconds:F1} s"));
        }
        var counts = await CountsAsync(db, ct);

        // One approved order per sampled account, as the legal desk would approve it: its subscriber data and its
        // traffic data (access logs, messages sent and received) over the last 12 months, to an authority whose
        // certificate receives the package.
        using var rsa = RSA.Create(3072);
        using var recipient = new CertificateRequest("CN=bench authority", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            .CreateSelfSigned(Now.AddDays(-1), Now.AddYears(1));
        var authority = new Authority
        {
            Id = 1, Code = "BENCH-AUTH", CountryCode = "FR", Name = "Bench authority", Instruments = [LegalInstrument.EuProductionOrder],
            EncryptionCertificatePem = recipient.ExportCertificatePem(), CreatedAt = Now, UpdatedAt = Now,
        };
        using var signing = PlatformSigning.LoadOrCreate(store.DataDirectory, TimeProvider.System);
        // One untimed order first, so query compilation and JIT are not in the figures.
        await using (var warm = store.CreateContext())
        {
            var order = Order(authority, 0, Layout.Account(0));
            var packaged = new List<PackagedTask>();
            foreach (var task in order.Tasks)
            {
                packaged.Add(new PackagedTask(task, await DisclosureService.EvaluateAsync(warm, order, task, ct)));
            }
            _ = DisclosurePackager.Build(order, authority, packaged, signing, recipient, Now);
        }
        var rnd = new Random(seed + 1);
        var extractMs = new List<double>();
        var packageMs = new List<double>();
        long total = 0;
        long bytes = 0;
        for (var i = 0; i < samples; i++)
        {
            var account = Layout.Account(rnd.Next(accounts));
            var order = Order(authority, i + 1, account);
            await using var q = store.CreateContext();
            var sw = Stopwatch.StartNew();
            var packaged = new List<PackagedTask>();
            foreach (var task in order.Tasks)
            {
                packaged.Add(new PackagedTask(task, await DisclosureService.EvaluateAsync(q, order, task, ct)));
            }
            extractMs.Add(sw.Elapsed.TotalMilliseconds);
            sw.Restart();
            var built = DisclosurePackager.Build(order, authority, packaged, signing, recipient, Now);
            packageMs.Add(sw.Elapsed.TotalMilliseconds);
            total += packaged.Sum(p => p.Disclosure.Total);
            bytes += built.Encrypted.Length;
        }

        // Purge: the default retention (12 months for every category) at Now expires exactly the oldest month.
        var policy = new RetentionPolicy();
        string mode;
        double purgeSeconds = 0;
        long purgedRows = 0;
        var droppedPartitions = 0;
        if (pg)
        {
            // Timed inside a transaction that is then rolled back, so the database stays as loaded for a rerun with
            // --reuse. The work (count, DETACH and DROP of the month partitions, the DELETE of what is left) is all
            // done before the rollback; only the commit's WAL flush is not timed.
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var sw = Stopwatch.StartNew();
            var report = await RecordPurge.RunAsync(db, policy, Now, dryRun: false, null, ct);
            purgeSeconds = sw.Elapsed.TotalSeconds;
            await tx.RollbackAsync(ct);
            (purgedRows, droppedPartitions, mode) = (report.Categories.Sum(c => c.Deleted), report.Categories.Sum(c => c.DroppedPartitions.Count), "timed in a transaction, rolled back");
        }
        else if (purged)
        {
            mode = "skipped: an earlier run purged the month; reload to time it again";
        }
        else
        {
            // SQLite: a rolled-back delete would not write its pages, so the purge is real and the marker remembers it.
            var sw = Stopwatch.StartNew();
            var report = await RecordPurge.RunAsync(db, policy, Now, dryRun: false, null, ct);
            purgeSeconds = sw.Elapsed.TotalSeconds;
            (purgedRows, droppedPartitions, mode) = (report.Categories.Sum(c => c.Deleted), report.Categories.Sum(c => c.DroppedPartitions.Count), "committed; a rerun with --reuse skips it");
            await WriteMarkerAsync(db, new MarkerRow(seed, rows, accounts, platformId, loadSeconds, loadedRows, true), ct);
        }
        extractMs.Sort();
        packageMs.Sort();
        return new RecordsBenchReport(pg ? "postgresql" : "sqlite", counts.AccessLogs, counts.Messages, counts.Participants, counts.Subscribers, accounts, seed, reused,
            loadSeconds, loadedRows / Math.Max(loadSeconds, 1e-9), await SizeAsync(db, store, ct),
            samples, (double)total / samples, Percentiles.NearestRank(extractMs, 0.5) ?? 0, Percentiles.NearestRank(extractMs, 0.99) ?? 0,
            Percentiles.NearestRank(packageMs, 0.5) ?? 0, Percentiles.NearestRank(packageMs, 0.99) ?? 0,
            (double)bytes / samples, mode, purgeSeconds, purgedRows, droppedPartitions);
    }

    /// <summary>The order a legal officer approves for one account: its subscriber data and 12 months of its traffic data.</summary>
    private static LegalOrder Order(Authority authority, long id, string account)
    {
        OrderTask Task(long taskId, DataCategory category) => new()
        {
            Id = taskId, OrderId = id, Kind = TaskKind.Disclosure, Category = category, Decision = TaskDecision.Approved,
            StartTime = Now.AddMonths(-12), EndTime = Now, Reference = "BENCH-" + category,
            Selectors = [new OrderSelector { Id = taskId, TaskId = taskId, Kind = SelectorKind.AccountId, Value = account }],
        };
        return new LegalOrder
        {
            Id = id, AuthorityId = authority.Id, Authority = authority, Instrument = LegalInstrument.EuProductionOrder,
            Reference = "BENCH-" + id.ToString(CultureInfo.InvariantCulture), Channel = OrderChannel.Hi1Json, State = OrderState.Approved,
            SubmittedBy = "bench", ReceivedAt = Now, UpdatedAt = Now,
            Tasks = [Task(id * 2, DataCategory.SubscriberData), Task(id * 2 + 1, DataCategory.TrafficData)],
        };
    }

    private sealed record MarkerRow(long Seed, long Rows, long Accounts, long PlatformId, double LoadSeconds, long LoadedRows, bool Purged);

    private static async Task<DbConnection> OpenAsync(VigilDb db, CancellationToken ct)
    {
        await db.Database.OpenConnectionAsync(ct);
        return db.Database.GetDbConnection();
    }

    private static async Task ExecAsync(DbConnection conn, string sql, CancellationToken ct, params (string Name, object Value)[] ps)
    {
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        cmd.CommandTimeout = 0;
        foreach (var (name, value) in ps)
        {
            var p = cmd.CreateParameter();
            p.ParameterName = name;
            p.Value = value;
            cmd.Parameters.Add(p);
        }
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>What an earlier load left in the marker table (created by the bench, not by a migration); null when none.</summary>
    private static async Task<MarkerRow?> ReadMarkerAsync(VigilDb db, CancellationToken ct)
    {
        var conn = await OpenAsync(db, ct);
        try
        {
            await ExecAsync(conn, $"CREATE TABLE IF NOT EXISTS {Marker} (\"Seed\" BIGINT NOT NULL, \"Rows\" BIGINT NOT NULL, \"Accounts\" BIGINT NOT NULL, " +
                "\"PlatformId\" BIGINT NOT NULL, \"LoadSeconds\" DOUBLE PRECISION NOT NULL, \"LoadedRows\" BIGINT NOT NULL, \"Purged\" BOOLEAN NOT NULL)", ct);
            await using var cmd = conn.CreateCommand();
            cmd.CommandText = $"SELECT \"Seed\", \"Rows\", \"Accounts\", \"PlatformId\", \"LoadSeconds\", \"LoadedRows\", \"Purged\" FROM {Marker}";
            await using var r = await cmd.ExecuteReaderAsync(ct);
            return await r.ReadAsync(ct)
                ? new MarkerRow(r.GetInt64(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3), r.GetDouble(4), r.GetInt64(5), r.GetBoolean(6))
                : null;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static async Task WriteMarkerAsync(VigilDb db, MarkerRow m, CancellationToken ct)
    {
        var conn = await OpenAsync(db, ct);
        try
        {
            await ExecAsync(conn, $"DELETE FROM {Marker}", ct);
            await ExecAsync(conn, $"INSERT INTO {Marker} VALUES (@s, @r, @a, @p, @l, @n, @u)", ct,
                ("@s", m.Seed), ("@r", m.Rows), ("@a", m.Accounts), ("@p", m.PlatformId), ("@l", m.LoadSeconds), ("@n", m.LoadedRows), ("@u", m.Purged));
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static async Task<(long AccessLogs, long Messages, long Participants, long Subscribers)> CountsAsync(VigilDb db, CancellationToken ct)
    {
        var conn = await OpenAsync(db, ct);
        try
        {
            await using var cmd = conn.CreateCommand();
            cmd.CommandTimeout = 0;
            cmd.CommandText = "SELECT (SELECT COUNT(*) FROM access_logs), (SELECT COUNT(*) FROM message_metadata), (SELECT COUNT(*) FROM message_participants), (SELECT COUNT(*) FROM subscriber_records)";
            await using var r = await cmd.ExecuteReaderAsync(ct);
            await r.ReadAsync(ct);
            return (r.GetInt64(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3));
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static async Task<long> SizeAsync(VigilDb db, VigilStore store, CancellationToken ct)
    {
        if (db is not PostgresVigilDb)
        {
            return new[] { store.SqlitePath, store.SqlitePath + "-wal", store.SqlitePath + "-shm" }.Where(File.Exists).Sum(f => new FileInfo(f).Length);
        }
        var conn = await OpenAsync(db, ct);
        try
        {
            await using var cmd = conn.CreateCommand();
            cmd.CommandText = "SELECT pg_database_size(current_database())";
            return Convert.ToInt64(await cmd.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>
    /// The generated data set. Row <c>i</c> of a table is a pure function of (seed, i): its month is fixed by where i
    /// falls (months get rows in proportion to their length), everything else comes from a 64-bit hash of (seed, i, field).
    /// PostgreSQL computes it server-side with <c>hashint8extended</c>; SQLite in C# with a SplitMix64 finaliser. Both are
    /// deterministic and have the same layout and distributions (uniform accounts and times, 1 recipient, or 2 one time
    /// in 4, addresses in 10/8), not the same values.
    /// </summary>
    internal sealed class Layout(int seed, int accounts, long logs, long messages)
    {
        public int Seed { get; } = seed;
        public int Accounts { get; } = accounts;
        public long Logs { get; } = logs;
        public long Messages { get; } = messages;

        public static string Account(long i) => "acct" + i.ToString(CultureInfo.InvariantCulture);

        /// <summary>Month k (0..12): its bounds and the rows [from, to) of a table of <paramref name="count"/> rows that fall in it.</summary>
        public static (DateTimeOffset Lo, DateTimeOffset Hi, long From, long To) Month(int k, long count)
        {
            var lo = First.AddMonths(k);
            var hi = First.AddMonths(k + 1);
            var span = (Now - First).Ticks;
            long At(DateTimeOffset t) => (long)((Int128)count * (t - First).Ticks / span);
            return (lo, hi, At(lo), At(hi));
        }

        /// <summary>The hash key of one field: distinct per seed and field.</summary>
        public long Key(int field) => (long)Seed * 64 + field;
    }

    /// <summary>Server-side generation per month partition on two connections, indexes built after the rows, then ATTACH.</summary>
    private static class PostgresLoader
    {
        private static readonly string[] Tables = ["access_logs", "message_metadata", "message_participants"];

        public static async Task LoadAsync(VigilDb db, string connectionString, Layout layout, long platformId, TextWriter progress, CancellationToken ct)
        {
            // The month after the data (where Now falls) exists too, as production creates partitions ahead of inserts.
            await RecordPartitions.EnsureAsync(db, RecordPartitions.Tables.Select(t => (t.Table, Now)), ct);
            var indexes = new Dictionary<string, List<(bool Unique, string Using)>>();
            await using (var conn = new NpgsqlConnection(connectionString))
            {
                await conn.OpenAsync(ct);
                foreach (var t in Tables)
                {
                    await using var cmd = new NpgsqlCommand(
                        "SELECT i.indisunique, pg_get_indexdef(i.indexrelid) FROM pg_index i WHERE i.indrelid = @t::regclass AND NOT i.indisprimary ORDER BY i.indexrelid", conn);
                    cmd.Parameters.AddWithValue("t", t);
                    await using var r = await cmd.ExecuteReaderAsync(ct);
                    var list = new List<(bool, string)>();
                    while (await r.ReadAsync(ct))
                    {
                        var def = r.GetString(1);
                        list.Add((r.GetBoolean(0), def[def.IndexOf(" USING ", StringComparison.Ordinal)..]));
                    }
                    indexes[t] = list;
                }
                await ExecAsync(conn, Subscribers(layout, platformId), ct);
                await progress.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"subscribers {layout.Accounts}"));
            }
            // One job per month of access logs and per month of messages (with their participants); two at a time.
            var jobs = new Queue<(string Kind, int Month)>(Enumerable.Range(0, Months).SelectMany(k => new[] { ("access_logs", k), ("message_metadata", k) }));
            var attach = new List<(string Table, string Partition, DateTimeOffset Lo, DateTimeOffset Hi)>();
            async Task Worker()
            {
                await using var conn = new NpgsqlConnection(connectionString);
                await conn.OpenAsync(ct);
                await ExecAsync(conn, "SET maintenance_work_mem = '512MB'; SET max_parallel_maintenance_workers = 0; SET synchronous_commit = off", ct);
                while (true)
                {
                    (string Kind, int Month) job;
                    lock (jobs)
                    {
                        if (!jobs.TryDequeue(out job))
                        {
                            return;
                        }
                    }
                    var sw = Stopwatch.StartNew();
                    var tables = job.Kind == "access_logs" ? new[] { "access_logs" } : ["message_metadata", "message_participants"];
                    var count = job.Kind == "access_logs" ? layout.Logs : layout.Messages;
                    var (lo, hi, from, to) = Layout.Month(job.Month, count);
                    var parts = tables.Select(t => RecordPartitions.PartitionName(t, lo)).ToArray();
                    for (var i = 0; i < tables.Length; i++)
                    {
                        await ExecAsync(conn, $"CREATE TABLE {parts[i]} (LIKE {tables[i]} INCLUDING DEFAULTS)", ct);
                    }
                    await ExecAsync(conn, job.Kind == "access_logs" ? AccessLogs(layout, platformId, parts[0]) : MessagesAndParticipants(layout, platformId, parts[0], parts[1]), ct,
                        ("lo", lo), ("span", (hi - lo).Ticks / 10), ("from", from), ("to", to));
                    for (var i = 0; i < tables.Length; i++)
                    {
                        await ExecAsync(conn, $"ALTER TABLE {parts[i]} ADD PRIMARY KEY (\"Id\", \"At\")", ct);
                        foreach (var (unique, @using) in indexes[tables[i]])
                        {
                            await ExecAsync(conn, $"CREATE {(unique ? "UNIQUE " : "")}INDEX ON {parts[i]}{@using}", ct);
                        }
                        // Lets ATTACH skip its scan of the partition; dropped once attached.
                        await ExecAsync(conn, $"ALTER TABLE {parts[i]} ADD CONSTRAINT {parts[i]}_range CHECK (\"At\" >= '{lo:O}' AND \"At\" < '{hi:O}')", ct);
                        lock (attach)
                        {
                            attach.Add((tables[i], parts[i], lo, hi));
                        }
                    }
                    await progress.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{job.Kind} {lo:yyyy-MM}: {to - from} rows in {sw.Elapsed.TotalSeconds:F1} s"));
                }
            }
            await Task.WhenAll(Worker(), Worker());
            await using (var conn = new NpgsqlConnection(connectionString))
            {
                await conn.OpenAsync(ct);
                foreach (var (table, part, lo, hi) in attach.OrderBy(a => a.Partition, StringComparer.Ordinal))
                {
                    await ExecAsync(conn, $"ALTER TABLE {table} ATTACH PARTITION {part} FOR VALUES FROM ('{lo:O}') TO ('{hi:O}'); ALTER TABLE {part} DROP CONSTRAINT {part}_range", ct);
                }
                await ExecAsync(conn, "SELECT setval(pg_get_serial_sequence(t, 'Id'), (SELECT coalesce(max(m), 1) FROM (VALUES (@l), (@m), (@p)) v(m))) FROM unnest(ARRAY['access_logs','message_metadata','message_participants']) t", ct,
                    ("l", layout.Logs), ("m", layout.Messages), ("p", layout.Messages * 3 + 2));
                await ExecAsync(conn, "ANALYZE subscriber_records; ANALYZE access_logs; ANALYZE message_metadata; ANALYZE message_participants", ct);
            }
        }

        // A non-negative 64-bit hash of (row, field) for this seed.
        private static string H(Layout l, string row, int field) => $"(hashint8extended({row}, {l.Key(field)}) & 9223372036854775807)";

        private static string Subscribers(Layout l, long platformId) => $"""
            INSERT INTO subscriber_records ("PlatformId", "AccountId", "Username", "NamesGiven", "Email", "Phone", "AccountCreatedAt", "Country", "UsPerson", "RecordedAt")
            SELECT {platformId}, 'acct' || a, 'user' || a, 'Bench User ' || a, 'user' || a || '@example.test', '+4470' || lpad(a::text, 8, '0'),
                   '{First:O}'::timestamptz - ({H(l, "a", 30)} % 94608000000000) * interval '1 microsecond',
                   (ARRAY['GB','FR','DE','US','ES','IT','NL','PL'])[(1 + {H(l, "a", 31)} % 8)::int], {H(l, "a", 32)} % 20 = 0,
                   '{Now:O}'::timestamptz - (1 + {H(l, "a", 33)} % 2592000000000) * interval '1 microsecond'
            FROM generate_series(0, {l.Accounts - 1}::bigint) AS g(a)
            """;

        private static string AccessLogs(Layout l, long platformId, string part) => $"""
            INSERT INTO {part} ("Id", "PlatformId", "AccountId", "At", "IpAddress", "SourcePort", "DeviceId", "RecordedAt")
            SELECT i + 1, {platformId}, 'acct' || ({H(l, "i", 2)} % {l.Accounts}), x.t,
                   '10.' || (x.h3 & 255) || '.' || ((x.h3 >> 8) & 255) || '.' || (1 + (x.h3 >> 16) % 254),
                   1024 + x.h4 % 64512, 'dev' || ((x.h4 >> 20) % 1000), x.t
            FROM generate_series(@from, @to - 1) AS g(i)
            CROSS JOIN LATERAL (SELECT @lo + ({H(l, "i", 1)} % @span) * interval '1 microsecond' AS t, {H(l, "i", 3)} AS h3, {H(l, "i", 4)} AS h4) x
            """;

        private static string MessagesAndParticipants(Layout l, long platformId, string messages, string participants) => $"""
            WITH m AS (
                INSERT INTO {messages} ("Id", "PlatformId", "MessageId", "SenderAccountId", "RecipientAccountIds", "At", "SizeBytes", "E2ee", "RecordedAt")
                SELECT j + 1, {platformId}, 'm' || (j + 1), 'acct' || x.s,
                       CASE WHEN x.h13 % 4 = 0 AND x.r2 <> x.r1 THEN ARRAY['acct' || x.r1, 'acct' || x.r2] ELSE ARRAY['acct' || x.r1] END,
                       x.t, {H(l, "j", 16)} % 100000, ((x.h13 >> 8) & 1) = 1, x.t
                FROM generate_series(@from, @to - 1) AS g(j)
                CROSS JOIN LATERAL (SELECT @lo + ({H(l, "j", 11)} % @span) * interval '1 microsecond' AS t, {H(l, "j", 12)} % {l.Accounts} AS s,
                                           {H(l, "j", 13)} AS h13, {H(l, "j", 14)} % {l.Accounts} AS r1, {H(l, "j", 15)} % {l.Accounts} AS r2) x
                RETURNING "Id", "SenderAccountId", "RecipientAccountIds", "At")
            INSERT INTO {participants} ("Id", "PlatformId", "MessageRecordId", "AccountId", "At", "IsSender")
            SELECT m."Id" * 3 + p.slot, {platformId}, m."Id", p.account, m."At", p.slot = 0
            FROM m CROSS JOIN LATERAL (
                SELECT 0 AS slot, m."SenderAccountId" AS account
                UNION ALL SELECT o::int, r FROM unnest(m."RecipientAccountIds") WITH ORDINALITY AS u(r, o)) p
            """;
    }

    /// <summary>
    /// Generation in C# into SQLite's month tables (as the records store creates them), their secondary indexes
    /// dropped first and rebuilt after the rows (one sort each instead of random inserts), large transactions, then ANALYZE.
    /// </summary>
    private static class SqliteLoader
    {
        private static readonly string[] Tables = ["access_logs", "message_metadata", "message_participants"];

        private static long Mix(long key, long i)
        {
            unchecked
            {
                var z = (ulong)key * 0x9E3779B97F4A7C15UL ^ (ulong)i;
                z += 0x9E3779B97F4A7C15UL;
                z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
                z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
                z ^= z >> 31;
                return (long)(z & long.MaxValue);
            }
        }

        public static async Task LoadAsync(string path, Layout l, long platformId, TextWriter progress, CancellationToken ct)
        {
            await using var conn = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
            await conn.OpenAsync(ct);
            await ExecAsync(conn, "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF; PRAGMA cache_size=-1048576; PRAGMA temp_store=FILE", ct);
            // Every month of the data and the month after it (where Now falls), as production creates them ahead of inserts.
            await using (var tx = await conn.BeginTransactionAsync(ct))
            {
                await RecordPartitions.CreateSqliteAsync(conn, tx,
                    Enumerable.Range(0, Months + 1).SelectMany(k => Tables.Select(t => (t, First.AddMonths(k)))), ct);
                await tx.CommitAsync(ct);
            }
            var indexes = new List<string>();
            await using (var q = conn.CreateCommand())
            {
                var months = string.Join(" OR ", Tables.Select(t => $"tbl_name GLOB '{t}_[0-9][0-9][0-9][0-9][0-9][0-9]'"));
                q.CommandText = $"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND ({months})";
                await using var r = await q.ExecuteReaderAsync(ct);
                var names = new List<string>();
                while (await r.ReadAsync(ct))
                {
                    names.Add(r.GetString(0));
                    indexes.Add(r.GetString(1));
                }
                await r.DisposeAsync();
                foreach (var n in names)
                {
                    await ExecAsync(conn, $"DROP INDEX \"{n}\"", ct);
                }
            }
            var sw = Stopwatch.StartNew();
            await InsertAsync(conn, "INSERT INTO subscriber_records (\"PlatformId\", \"AccountId\", \"Username\", \"NamesGiven\", \"Email\", \"Phone\", \"AccountCreatedAt\", \"Country\", \"UsPerson\", \"RecordedAt\") " +
                "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)", 10, 0, l.Accounts, (a, p) =>
            {
                var s = a.ToString(CultureInfo.InvariantCulture);
                p[0].Value = platformId;
                p[1].Value = "acct" + s;
                p[2].Value = "user" + s;
                p[3].Value = "Bench User " + s;
                p[4].Value = "user" + s + "@example.test";
                p[5].Value = "+4470" + a.ToString("D8", CultureInfo.InvariantCulture);
                p[6].Value = First.UtcTicks - Mix(l.Key(30), a) % 94608000000000 * 10;
                p[7].Value = Countries[Mix(l.Key(31), a) % 8];
                p[8].Value = Mix(l.Key(32), a) % 20 == 0;
                p[9].Value = Now.UtcTicks - (1 + Mix(l.Key(33), a) % 2592000000000) * 10;
            }, progress, "subscribers", ct);
            for (var k = 0; k < Months; k++)
            {
                // Row i of month k: its instant within the month from the hash (whole microseconds); its id in the month table's own range.
                var (lo, hi, from, to) = Layout.Month(k, l.Logs);
                var spanMicros = (hi - lo).Ticks / 10;
                var idBase = RecordPartitions.SqliteIdBase(lo);
                await InsertAsync(conn, $"INSERT INTO \"{RecordPartitions.PartitionName("access_logs", lo)}\" (\"Id\", \"PlatformId\", \"AccountId\", \"At\", \"IpAddress\", \"SourcePort\", \"DeviceId\", \"RecordedAt\") " +
                    "VALUES ($1, $2, $3, $4, $5, $6, $7, $4)", 7, from, to, (i, p) =>
                {
                    var h3 = Mix(l.Key(3), i);
                    var h4 = Mix(l.Key(4), i);
                    p[0].Value = idBase + i + 1;
                    p[1].Value = platformId;
                    p[2].Value = Layout.Account(Mix(l.Key(2), i) % l.Accounts);
                    p[3].Value = lo.UtcTicks + Mix(l.Key(1), i) % spanMicros * 10;
                    p[4].Value = string.Create(CultureInfo.InvariantCulture, $"10.{h3 & 255}.{(h3 >> 8) & 255}.{1 + (h3 >> 16) % 254}");
                    p[5].Value = 1024 + h4 % 64512;
                    p[6].Value = "dev" + ((h4 >> 20) % 1000).ToString(CultureInfo.InvariantCulture);
                }, progress, "access logs", ct);
            }
            for (var k = 0; k < Months; k++)
            {
                var (lo, hi, from, to) = Layout.Month(k, l.Messages);
                var spanMicros = (hi - lo).Ticks / 10;
                var idBase = RecordPartitions.SqliteIdBase(lo);
                await using var pc = conn.CreateCommand();
                pc.CommandText = $"INSERT INTO \"{RecordPartitions.PartitionName("message_participants", lo)}\" (\"Id\", \"PlatformId\", \"MessageRecordId\", \"AccountId\", \"At\", \"IsSender\") VALUES ($1, $2, $3, $4, $5, $6)";
                var pp = Parameters(pc, 6);
                await InsertAsync(conn, $"INSERT INTO \"{RecordPartitions.PartitionName("message_metadata", lo)}\" (\"Id\", \"PlatformId\", \"MessageId\", \"SenderAccountId\", \"RecipientAccountIds\", \"At\", \"SizeBytes\", \"E2ee\", \"RecordedAt\") " +
                    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $6)", 8, from, to, (j, p) =>
                {
                    var t = lo.UtcTicks + Mix(l.Key(11), j) % spanMicros * 10;
                    var s = Mix(l.Key(12), j) % l.Accounts;
                    var h13 = Mix(l.Key(13), j);
                    var r1 = Mix(l.Key(14), j) % l.Accounts;
                    var r2 = Mix(l.Key(15), j) % l.Accounts;
                    string[] recipients = h13 % 4 == 0 && r2 != r1 ? [Layout.Account(r1), Layout.Account(r2)] : [Layout.Account(r1)];
                    var n = j + 1;
                    p[0].Value = idBase + n;
                    p[1].Value = platformId;
                    p[2].Value = "m" + n.ToString(CultureInfo.InvariantCulture);
                    p[3].Value = Layout.Account(s);
                    p[4].Value = JsonSerializer.Serialize(recipients);
                    p[5].Value = t;
                    p[6].Value = Mix(l.Key(16), j) % 100000;
                    p[7].Value = ((h13 >> 8) & 1) == 1;
                    foreach (var (slot, account) in recipients.Select((r, k) => (k + 1, r)).Prepend((0, Layout.Account(s))))
                    {
                        pp[0].Value = idBase + n * 3 + slot;
                        pp[1].Value = platformId;
                        pp[2].Value = idBase + n;
                        pp[3].Value = account;
                        pp[4].Value = t;
                        pp[5].Value = slot == 0;
                        pc.ExecuteNonQuery();
                    }
                }, progress, "messages", ct, tx => pc.Transaction = tx);
            }
            await progress.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"rows inserted in {sw.Elapsed.TotalSeconds:F1} s; building indexes"));
            var isw = Stopwatch.StartNew();
            foreach (var sql in indexes)
            {
                await ExecAsync(conn, sql, ct);
            }
            await progress.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{indexes.Count} indexes built in {isw.Elapsed.TotalSeconds:F1} s"));
            await ExecAsync(conn, "ANALYZE; PRAGMA wal_checkpoint(TRUNCATE)", ct);
        }

        private static readonly string[] Countries = ["GB", "FR", "DE", "US", "ES", "IT", "NL", "PL"];

        private static SqliteParameter[] Parameters(SqliteCommand cmd, int n) =>
            [.. Enumerable.Range(1, n).Select(k => cmd.Parameters.Add(new SqliteParameter("$" + k.ToString(CultureInfo.InvariantCulture), null)))];

        /// <summary>Inserts rows [<paramref name="from"/>, <paramref name="to"/>) with <paramref name="sql"/>, <paramref name="fill"/> setting each row's parameters.</summary>
        private static async Task InsertAsync(SqliteConnection conn, string sql, int n, long from, long to, Action<long, SqliteParameter[]> fill, TextWriter progress, string what, CancellationToken ct, Action<SqliteTransaction>? onTransaction = null)
        {
            const int Batch = 500_000;
            await using var cmd = conn.CreateCommand();
            cmd.CommandText = sql;
            var ps = Parameters(cmd, n);
            cmd.Prepare();
            for (long done = from; done < to;)
            {
                await using var tx = conn.BeginTransaction();
                cmd.Transaction = tx;
                onTransaction?.Invoke(tx);
                for (var k = 0; k < Batch && done < to; k++, done++)
                {
                    fill(done, ps);
                    cmd.ExecuteNonQuery();
                }
                await tx.CommitAsync(ct);
                await progress.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{what} {done}"));
            }
        }
    }
}
