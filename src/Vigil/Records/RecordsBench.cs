using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;
using Vigil.Cli;
using Vigil.Platforms;
using Vigil.Signing;
using Vigil.Storage;

namespace Vigil.Records;

/// <summary>Figures of one <c>vigil bench records</c> run (docs/records.md).</summary>
public sealed record RecordsBenchReport(
    string Provider, long AccessLogs, long Messages, long Participants, int Accounts, int Seed, double LoadSeconds,
    int Samples, double MeanRecordsPerAccount, double ExtractP50Ms, double ExtractP99Ms,
    double PackageP50Ms, double PackageP99Ms, double PurgeMonthSeconds, long PurgedRows, int DroppedPartitions);

/// <summary>
/// <c>vigil bench records</c>: a seeded generator of access logs and message metadata over 13 months, then the time to
/// extract one account's year, to sign and encrypt that extract (a stand-in for the disclosure package: JSON, CMS
/// SignedData with the platform key, EnvelopedData AES-256 to a throwaway RSA certificate) and to purge one month.
/// </summary>
public static class RecordsBench
{
    private const int Months = 13;

    public static Command Command()
    {
        var rows = new Option<long>("--rows") { Description = "Records to generate: half access logs, half messages (each with 1-2 recipients)", DefaultValueFactory = _ => 1_000_000 };
        var accounts = new Option<int>("--accounts") { Description = "Distinct accounts", DefaultValueFactory = _ => 100_000 };
        var seed = new Option<int>("--seed") { Description = "Seed of the generated records", DefaultValueFactory = _ => 1 };
        var samples = new Option<int>("--samples") { Description = "Random accounts to extract", DefaultValueFactory = _ => 100 };
        var cmd = new Command("records",
            "Generate access logs and message metadata over 13 months into a fresh SQLite folder (--data) or an EMPTY PostgreSQL database " +
            "(--postgres), then time one account's 12-month extraction (p50/p99), signing+encrypting it, and purging one month")
        {
            rows, accounts, seed, samples,
        };
        cmd.SetAction((parse, ct) => CliContext.Guard(parse, async output =>
        {
            var store = CliContext.Store(parse);
            var report = await RunAsync(store, parse.GetValue(rows), parse.GetValue(accounts), parse.GetValue(seed), parse.GetValue(samples),
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
                    records             {report.AccessLogs} access logs + {report.Messages} messages ({report.Participants} participant rows), {report.Accounts} accounts, seed {report.Seed}
                    load                {report.LoadSeconds:F1} s
                    extract (12 months) p50 {report.ExtractP50Ms:F1} ms  p99 {report.ExtractP99Ms:F1} ms  over {report.Samples} accounts, {report.MeanRecordsPerAccount:F0} records each on average
                    sign+encrypt (stand-in package) p50 {report.PackageP50Ms:F1} ms  p99 {report.PackageP99Ms:F1} ms
                    purge one month     {report.PurgeMonthSeconds:F2} s  ({report.PurgedRows} rows, {report.DroppedPartitions} partitions dropped)
                    """));
            }
            return 0;
        }));
        return cmd;
    }

    public static async Task<RecordsBenchReport> RunAsync(VigilStore store, long rows, int accounts, int seed, int samples, TextWriter progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(progress);
        if (rows < 2 || accounts < 1 || samples < 1)
        {
            throw new CliException("--rows must be at least 2, --accounts and --samples at least 1");
        }
        await using var db = await store.OpenAsync(ct);
        if (await db.AccessLogs.AnyAsync(ct) || await db.MessageMetadata.AnyAsync(ct))
        {
            throw new CliException("the records tables are not empty; run the benchmark on a fresh --data folder or an empty PostgreSQL database");
        }
        // A fixed "now" keeps the month layout the same from run to run.
        var now = new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);
        var platform = new Platform { Name = "bench-" + seed.ToString(CultureInfo.InvariantCulture), CreatedAt = now };
        db.Add(platform);
        await db.SaveChangesAsync(ct);
        var first = RecordPartitions.MonthOf(now).AddMonths(-Months + 1);
        var span = (now - first).Ticks;
        var gen = new Generator(seed, accounts, first, span, platform.Id);
        long logs = rows / 2;
        long messages = rows - logs;

        var load = Stopwatch.StartNew();
        long participants;
        if (db is PostgresVigilDb)
        {
            var months = Enumerable.Range(0, Months + 1).Select(i => first.AddMonths(i)).ToList();
            await RecordPartitions.EnsureAsync(db, RecordPartitions.Tables.SelectMany(t => months.Select(m => (t.Table, m))), ct);
            participants = await LoadPostgresAsync(store.PostgresConnectionString!, gen, logs, messages, progress, ct);
        }
        else
        {
            participants = await LoadSqliteAsync(db, gen, logs, messages, progress, ct);
        }
        load.Stop();
        await progress.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"loaded in {load.Elapsed.TotalSeconds:F1} s"));

        // Extraction: the queries the disclosure builder runs, one account over the last 12 months.
        var rnd = new Random(seed + 1);
        var sampled = Enumerable.Range(0, samples).Select(_ => Generator.Account(rnd.Next(accounts))).ToList();
        var extractMs = new List<double>();
        var extracts = new List<AccountExtract>();
        long total = 0;
        foreach (var account in sampled)
        {
            await using var q = store.CreateContext();
            var sw = Stopwatch.StartNew();
            var x = await RecordExtract.ReadAsync(q, platform.Id, account, now.AddMonths(-12), now, ct);
            extractMs.Add(sw.Elapsed.TotalMilliseconds);
            total += x.RecordCount;
            extracts.Add(x);
        }

        // Stand-in package: JSON, CMS SignedData (platform key), CMS EnvelopedData AES-256 to a throwaway RSA certificate.
        using var rsa = RSA.Create(3072);
        using var recipientCert = new CertificateRequest("CN=bench authority", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            .CreateSelfSigned(now.AddDays(-1), now.AddYears(1));
        using var signing = PlatformSigning.LoadOrCreate(store.DataDirectory, TimeProvider.System);
        var packageMs = new List<double>();
        foreach (var x in extracts.Take(Math.Min(extracts.Count, 50)))
        {
            var sw = Stopwatch.StartNew();
            var json = JsonSerializer.SerializeToUtf8Bytes(x, CliContext.JsonOptions);
            var signed = signing.SignCms(json, detached: false, now);
            _ = CmsEnvelope.Encrypt(signed, recipientCert);
            packageMs.Add(sw.Elapsed.TotalMilliseconds);
        }

        // Purge one month: retention set so that exactly the oldest month is past it.
        var cutoff = first.AddMonths(1);
        var policy = new RetentionPolicy(new Dictionary<RecordCategory, RetentionPeriod>
        {
            [RecordCategory.AccessLog] = new(0, now - cutoff),
            [RecordCategory.MessageMetadata] = new(0, now - cutoff),
        });
        var purge = Stopwatch.StartNew();
        var report = await RecordPurge.RunAsync(db, policy, now, dryRun: false, null, ct);
        purge.Stop();

        return new RecordsBenchReport(db is PostgresVigilDb ? "postgresql" : "sqlite", logs, messages, participants, accounts, seed, load.Elapsed.TotalSeconds,
            samples, (double)total / samples, Percentile(extractMs, 0.5), Percentile(extractMs, 0.99), Percentile(packageMs, 0.5), Percentile(packageMs, 0.99),
            purge.Elapsed.TotalSeconds, report.Categories.Sum(c => c.Deleted), report.Categories.Sum(c => c.DroppedPartitions.Count));
    }

    private static double Percentile(List<double> values, double q)
    {
        if (values.Count == 0)
        {
            return 0;
        }
        var sorted = values.Order().ToList();
        return sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(q * sorted.Count) - 1)];
    }

    /// <summary>Seeded records: accounts chosen uniformly, times uniform over the months, addresses from TEST-NET-like ranges.</summary>
    private sealed class Generator(int seed, int accounts, DateTimeOffset first, long span, long platformId)
    {
        private readonly Random rnd = new(seed);

        public long PlatformId { get; } = platformId;

        public static string Account(int i) => "acct" + i.ToString(CultureInfo.InvariantCulture);

        // Whole microseconds: what PostgreSQL keeps, so natural keys compare equal on both stores.
        public DateTimeOffset Time() => first.AddTicks(rnd.NextInt64(span) / 10 * 10);

        public string NextAccount() => Account(rnd.Next(accounts));

        public string Ip() => string.Create(CultureInfo.InvariantCulture, $"10.{rnd.Next(256)}.{rnd.Next(256)}.{rnd.Next(1, 255)}");

        public int Port() => rnd.Next(1024, 65536);

        public int Next(int max) => rnd.Next(max);
    }

    private static async Task<long> LoadPostgresAsync(string connectionString, Generator gen, long logs, long messages, TextWriter progress, CancellationToken ct)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync(ct);
        await using (var w = await conn.BeginBinaryImportAsync(
            "COPY access_logs (\"PlatformId\", \"AccountId\", \"At\", \"IpAddress\", \"SourcePort\", \"DeviceId\", \"RecordedAt\") FROM STDIN (FORMAT BINARY)", ct))
        {
            for (long i = 0; i < logs; i++)
            {
                var at = gen.Time();
                await w.StartRowAsync(ct);
                await w.WriteAsync(gen.PlatformId, NpgsqlDbType.Bigint, ct);
                await w.WriteAsync(gen.NextAccount(), NpgsqlDbType.Text, ct);
                await w.WriteAsync(at, NpgsqlDbType.TimestampTz, ct);
                await w.WriteAsync(gen.Ip(), NpgsqlDbType.Text, ct);
                await w.WriteAsync(gen.Port(), NpgsqlDbType.Integer, ct);
                await w.WriteAsync("dev" + gen.Next(1000).ToString(CultureInfo.InvariantCulture), NpgsqlDbType.Text, ct);
                await w.WriteAsync(at, NpgsqlDbType.TimestampTz, ct);
                if ((i + 1) % 5_000_000 == 0)
                {
                    await progress.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"access logs {i + 1}"));
                }
            }
            await w.CompleteAsync(ct);
        }
        long participants = 0;
        // Message ids are assigned here so the participants can point at them in the same pass.
        await using (var mw = await conn.BeginBinaryImportAsync(
            "COPY message_metadata (\"Id\", \"PlatformId\", \"MessageId\", \"SenderAccountId\", \"RecipientAccountIds\", \"At\", \"SizeBytes\", \"E2ee\", \"RecordedAt\") FROM STDIN (FORMAT BINARY)", ct))
        await using (var side = new NpgsqlConnection(connectionString))
        {
            await side.OpenAsync(ct);
            await using var pw = await side.BeginBinaryImportAsync(
                "COPY message_participants (\"PlatformId\", \"MessageRecordId\", \"AccountId\", \"At\", \"IsSender\") FROM STDIN (FORMAT BINARY)", ct);
            for (long i = 1; i <= messages; i++)
            {
                var at = gen.Time();
                var sender = gen.NextAccount();
                var recipients = gen.Next(4) == 0 ? new[] { gen.NextAccount(), gen.NextAccount() }.Distinct(StringComparer.Ordinal).ToArray() : [gen.NextAccount()];
                await mw.StartRowAsync(ct);
                await mw.WriteAsync(i, NpgsqlDbType.Bigint, ct);
                await mw.WriteAsync(gen.PlatformId, NpgsqlDbType.Bigint, ct);
                await mw.WriteAsync("m" + i.ToString(CultureInfo.InvariantCulture), NpgsqlDbType.Text, ct);
                await mw.WriteAsync(sender, NpgsqlDbType.Text, ct);
                await mw.WriteAsync(recipients, NpgsqlDbType.Array | NpgsqlDbType.Text, ct);
                await mw.WriteAsync(at, NpgsqlDbType.TimestampTz, ct);
                await mw.WriteAsync((long)gen.Next(100_000), NpgsqlDbType.Bigint, ct);
                await mw.WriteAsync(gen.Next(2) == 0, NpgsqlDbType.Boolean, ct);
                await mw.WriteAsync(at, NpgsqlDbType.TimestampTz, ct);
                foreach (var (account, isSender) in recipients.Select(r => (r, false)).Prepend((sender, true)))
                {
                    await pw.StartRowAsync(ct);
                    await pw.WriteAsync(gen.PlatformId, NpgsqlDbType.Bigint, ct);
                    await pw.WriteAsync(i, NpgsqlDbType.Bigint, ct);
                    await pw.WriteAsync(account, NpgsqlDbType.Text, ct);
                    await pw.WriteAsync(at, NpgsqlDbType.TimestampTz, ct);
                    await pw.WriteAsync(isSender, NpgsqlDbType.Boolean, ct);
                    participants++;
                }
                if (i % 5_000_000 == 0)
                {
                    await progress.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"messages {i}"));
                }
            }
            await pw.CompleteAsync(ct);
            await mw.CompleteAsync(ct);
        }
        await using (var fix = new NpgsqlCommand("SELECT setval(pg_get_serial_sequence('message_metadata', 'Id'), (SELECT max(\"Id\") FROM message_metadata)); ANALYZE access_logs; ANALYZE message_metadata; ANALYZE message_participants;", conn))
        {
            fix.CommandTimeout = 3600;
            await fix.ExecuteNonQueryAsync(ct);
        }
        return participants;
    }

    private static async Task<long> LoadSqliteAsync(VigilDb db, Generator gen, long logs, long messages, TextWriter progress, CancellationToken ct)
    {
        const int Batch = 50_000;
        long participants = 0;
        await db.Database.OpenConnectionAsync(ct);
        var conn = db.Database.GetDbConnection();
        try
        {
            for (long done = 0; done < logs;)
            {
                await using var tx = await conn.BeginTransactionAsync(ct);
                await using var cmd = conn.CreateCommand();
                cmd.Transaction = tx;
                cmd.CommandText = "INSERT INTO access_logs (\"PlatformId\", \"AccountId\", \"At\", \"IpAddress\", \"SourcePort\", \"DeviceId\", \"RecordedAt\") VALUES ($p, $a, $t, $i, $o, $d, $t)";
                var ps = "$p $a $t $i $o $d".Split(' ').Select(n => { var p = cmd.CreateParameter(); p.ParameterName = n; cmd.Parameters.Add(p); return p; }).ToArray();
                for (int k = 0; k < Batch && done < logs; k++, done++)
                {
                    ps[0].Value = gen.PlatformId;
                    ps[1].Value = gen.NextAccount();
                    ps[2].Value = gen.Time().UtcTicks;
                    ps[3].Value = gen.Ip();
                    ps[4].Value = gen.Port();
                    ps[5].Value = "dev" + gen.Next(1000).ToString(CultureInfo.InvariantCulture);
                    await cmd.ExecuteNonQueryAsync(ct);
                }
                await tx.CommitAsync(ct);
                if (done % 1_000_000 == 0)
                {
                    await progress.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"access logs {done}"));
                }
            }
            for (long i = 1; i <= messages;)
            {
                await using var tx = await conn.BeginTransactionAsync(ct);
                await using var m = conn.CreateCommand();
                m.Transaction = tx;
                m.CommandText = "INSERT INTO message_metadata (\"Id\", \"PlatformId\", \"MessageId\", \"SenderAccountId\", \"RecipientAccountIds\", \"At\", \"SizeBytes\", \"E2ee\", \"RecordedAt\") VALUES ($id, $p, $m, $s, $r, $t, $z, $e, $t)";
                var mp = "$id $p $m $s $r $t $z $e".Split(' ').Select(n => { var p = m.CreateParameter(); p.ParameterName = n; m.Parameters.Add(p); return p; }).ToArray();
                await using var pc = conn.CreateCommand();
                pc.Transaction = tx;
                pc.CommandText = "INSERT INTO message_participants (\"PlatformId\", \"MessageRecordId\", \"AccountId\", \"At\", \"IsSender\") VALUES ($p, $id, $a, $t, $s)";
                var pp = "$p $id $a $t $s".Split(' ').Select(n => { var p = pc.CreateParameter(); p.ParameterName = n; pc.Parameters.Add(p); return p; }).ToArray();
                for (int k = 0; k < Batch && i <= messages; k++, i++)
                {
                    var at = gen.Time().UtcTicks;
                    var sender = gen.NextAccount();
                    var recipients = gen.Next(4) == 0 ? new[] { gen.NextAccount(), gen.NextAccount() }.Distinct(StringComparer.Ordinal).ToArray() : [gen.NextAccount()];
                    mp[0].Value = i;
                    mp[1].Value = gen.PlatformId;
                    mp[2].Value = "m" + i.ToString(CultureInfo.InvariantCulture);
                    mp[3].Value = sender;
                    mp[4].Value = JsonSerializer.Serialize(recipients);
                    mp[5].Value = at;
                    mp[6].Value = (long)gen.Next(100_000);
                    mp[7].Value = gen.Next(2) == 0;
                    await m.ExecuteNonQueryAsync(ct);
                    foreach (var (account, isSender) in recipients.Select(r => (r, false)).Prepend((sender, true)))
                    {
                        pp[0].Value = gen.PlatformId;
                        pp[1].Value = i;
                        pp[2].Value = account;
                        pp[3].Value = at;
                        pp[4].Value = isSender;
                        await pc.ExecuteNonQueryAsync(ct);
                        participants++;
                    }
                }
                await tx.CommitAsync(ct);
                if ((i - 1) % 1_000_000 == 0)
                {
                    await progress.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"messages {i - 1}"));
                }
            }
            await using var analyze = conn.CreateCommand();
            analyze.CommandText = "ANALYZE";
            await analyze.ExecuteNonQueryAsync(ct);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
        return participants;
    }
}
