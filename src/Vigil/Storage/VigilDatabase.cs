using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

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

    /// <summary>Connection strings as given -> as used (a static cache: a field would take part in the record's equality).</summary>
    private static readonly ConcurrentDictionary<string, string> Tuned = new(StringComparer.Ordinal);

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

    public VigilDb CreateContext()
    {
        if (IsPostgres)
        {
            var options = new DbContextOptionsBuilder<PostgresVigilDb>().UseNpgsql(Tuned.GetOrAdd(PostgresConnectionString!, Tune)).Options;
            return new PostgresVigilDb(options);
        }
        // Pooled connections: an unpooled open re-reads the whole schema before its first statement.
        var sqlite = new SqliteConnectionStringBuilder
        {
            DataSource = SqlitePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
        var sqliteOptions = new DbContextOptionsBuilder<SqliteVigilDb>()
            .UseSqlite(sqlite)
            .AddInterceptors(SqlitePragmas.Instance)
            .Options;
        return new SqliteVigilDb(sqliteOptions);
    }
}

/// <summary>Sets WAL journaling and foreign keys on every SQLite connection EF Core opens.</summary>
internal sealed class SqlitePragmas : Microsoft.EntityFrameworkCore.Diagnostics.DbConnectionInterceptor
{
    public static readonly SqlitePragmas Instance = new();

    public override void ConnectionOpened(System.Data.Common.DbConnection connection, Microsoft.EntityFrameworkCore.Diagnostics.ConnectionEndEventData eventData)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=30000;";
        cmd.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(System.Data.Common.DbConnection connection, Microsoft.EntityFrameworkCore.Diagnostics.ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=30000;";
        await cmd.ExecuteNonQueryAsync(cancellationToken);
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
