using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace Vigil.Storage;

/// <summary>Where Vigil keeps its state and how to open it.</summary>
/// <param name="DataDirectory">The data folder (SQLite database, keys, exports).</param>
/// <param name="PostgresConnectionString">When set, the main database is this PostgreSQL database.</param>
public sealed record VigilStore(DirectoryInfo DataDirectory, string? PostgresConnectionString = null)
{
    public const string PostgresEnvironmentVariable = "VIGIL_POSTGRES";

    public string SqlitePath => Path.Combine(DataDirectory.FullName, "vigil.db");

    public bool IsPostgres => !string.IsNullOrWhiteSpace(PostgresConnectionString);

    /// <summary>Opens the database, creating the data folder and applying migrations on first use.</summary>
    public async Task<VigilDb> OpenAsync(CancellationToken cancellationToken)
    {
        DataDirectory.Create();
        var db = CreateContext();
        await db.Database.MigrateAsync(cancellationToken);
        return db;
    }

    /// <summary>
    /// Vigil runs the same few statements all day (intake, pipeline, outbox), so unless the connection string says
    /// otherwise Npgsql prepares each statement after its second use on a connection: PostgreSQL then skips parsing and
    /// planning it again.
    /// </summary>
    private static string Tune(string connectionString)
    {
        var b = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        if (b.MaxAutoPrepare == 0)
        {
            b.MaxAutoPrepare = 256;
            b.AutoPrepareMinUsages = 2;
        }
        return b.ConnectionString;
    }

    /// <summary>Context pools per database (a static cache keyed by store, since a field would take part in the record's equality).</summary>
    private static readonly ConcurrentDictionary<string, Func<VigilDb>> Pools = new(StringComparer.Ordinal);

    /// <summary>How many idle contexts a pool keeps per database.</summary>
    private const int PoolSize = 256;

    /// <summary>
    /// A context for one unit of work; dispose it to hand it back. Contexts are pooled (EF Core resets each one when it is
    /// handed back): a fresh context builds its own service scope, and on hot paths such as HI-1 intake, which opens one per
    /// request, that cost more than the query it ran.
    /// </summary>
    public VigilDb CreateContext()
    {
        if (IsPostgres)
        {
            return Pools.GetOrAdd("pg:" + PostgresConnectionString, static (_, cs) =>
            {
                var options = new DbContextOptionsBuilder<PostgresVigilDb>().UseNpgsql(Tune(cs)).Options;
                return new PooledDbContextFactory<PostgresVigilDb>(options, PoolSize).CreateDbContext;
            }, PostgresConnectionString!)();
        }
        return Pools.GetOrAdd("sqlite:" + SqlitePath, static (_, path) =>
        {
            // Pooled connections: an unpooled open re-reads the whole schema before its first statement.
            var sqlite = new SqliteConnectionStringBuilder
            {
                DataSource = path,
                Mode = SqliteOpenMode.ReadWriteCreate,
                Pooling = true,
                DefaultTimeout = 30,
            }.ToString();
            var options = new DbContextOptionsBuilder<SqliteVigilDb>().UseSqlite(sqlite).AddInterceptors(SqlitePragmas.Instance).Options;
            return new PooledDbContextFactory<SqliteVigilDb>(options, PoolSize).CreateDbContext;
        }, SqlitePath)();
    }
}

/// <summary>
/// Sets WAL journaling, foreign keys and the busy timeout on each SQLite connection EF Core opens. Connections are pooled
/// and keep these settings, so each native connection is set up once, not on every open.
/// </summary>
internal sealed class SqlitePragmas : Microsoft.EntityFrameworkCore.Diagnostics.DbConnectionInterceptor
{
    public static readonly SqlitePragmas Instance = new();

    // synchronous=FULL: every commit reaches the disk before it returns, so "accepted" (ingest, orders, decisions) means
    // durable. It is SQLite's default; said here so that no build option or later edit can weaken it unnoticed.
    private const string Pragmas = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=30000;";

    /// <summary>The native connections already set up (weak: a handle closed for good drops out).</summary>
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<object, object> Done = [];

    public override void ConnectionOpened(System.Data.Common.DbConnection connection, Microsoft.EntityFrameworkCore.Diagnostics.ConnectionEndEventData eventData)
    {
        if (IsNew(connection))
        {
            using var cmd = connection.CreateCommand();
            cmd.CommandText = Pragmas;
            cmd.ExecuteNonQuery();
            MarkDone(connection);
        }
    }

    public override async Task ConnectionOpenedAsync(System.Data.Common.DbConnection connection, Microsoft.EntityFrameworkCore.Diagnostics.ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        if (IsNew(connection))
        {
            await using var cmd = connection.CreateCommand();
            cmd.CommandText = Pragmas;
            await cmd.ExecuteNonQueryAsync(cancellationToken);
            MarkDone(connection);
        }
    }

    private static bool IsNew(System.Data.Common.DbConnection connection) =>
        connection is not SqliteConnection { Handle: { } handle } || !Done.TryGetValue(handle, out _);

    private static void MarkDone(System.Data.Common.DbConnection connection)
    {
        if (connection is SqliteConnection { Handle: { } handle })
        {
            Done.AddOrUpdate(handle, Instance);
        }
    }
}

/// <summary>Lets `dotnet ef migrations add ... --context SqliteVigilDb` build the SQLite model.</summary>
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteVigilDb>
{
    public SqliteVigilDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteVigilDb>().UseSqlite("Data Source=design.db").Options);
}

/// <summary>Lets `dotnet ef migrations add ... --context PostgresVigilDb` build the PostgreSQL model.</summary>
internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresVigilDb>
{
    public PostgresVigilDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresVigilDb>().UseNpgsql("Host=localhost;Database=vigil_design").Options);
}
