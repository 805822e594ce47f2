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

    public VigilDb CreateContext()
    {
        if (IsPostgres)
        {
            var options = new DbContextOptionsBuilder<PostgresVigilDb>().UseNpgsql(PostgresConnectionString).Options;
            return new PostgresVigilDb(options);
        }
        var sqlite = new SqliteConnectionStringBuilder
        {
            DataSource = SqlitePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
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
