using Npgsql;
using Vigil.Storage;

namespace Vigil.Tests.Support;

/// <summary>
/// A fresh main database per test, on SQLite (a temporary folder) or on PostgreSQL (a throw-away
/// database on the server named by VIGIL_TEST_POSTGRES, which ./test.sh sets). PostgreSQL tests
/// fail, never skip, when the server is not configured.
/// </summary>
public sealed class TestStore : IAsyncDisposable
{
    private readonly string? postgresAdmin;
    private readonly string? postgresDatabase;

    private TestStore(VigilStore store, string? postgresAdmin, string? postgresDatabase)
    {
        Store = store;
        this.postgresAdmin = postgresAdmin;
        this.postgresDatabase = postgresDatabase;
    }

    public VigilStore Store { get; }

    public static IEnumerable<object[]> Providers => [["sqlite"], ["postgres"]];

    public static async Task<TestStore> CreateAsync(string provider)
    {
        var dir = Directory.CreateTempSubdirectory("vigil-test-");
        if (provider == "sqlite")
        {
            return new TestStore(new VigilStore(dir), null, null);
        }
        var admin = Environment.GetEnvironmentVariable("VIGIL_TEST_POSTGRES");
        if (string.IsNullOrWhiteSpace(admin))
        {
            throw new InvalidOperationException(
                "PostgreSQL tests need VIGIL_TEST_POSTGRES (a connection string of a role that may create databases); ./test.sh starts the local server and sets it.");
        }
        var name = "vigil_test_" + Guid.NewGuid().ToString("N")[..16];
        await using (var conn = new NpgsqlConnection(admin))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand($"CREATE DATABASE {name}", conn);
            await cmd.ExecuteNonQueryAsync();
        }
        var cs = new NpgsqlConnectionStringBuilder(admin) { Database = name, Pooling = false }.ConnectionString;
        return new TestStore(new VigilStore(dir, cs), admin, name);
    }

    public async ValueTask DisposeAsync()
    {
        if (postgresAdmin is not null)
        {
            await using var conn = new NpgsqlConnection(postgresAdmin);
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS {postgresDatabase} WITH (FORCE)", conn);
            await cmd.ExecuteNonQueryAsync();
        }
        try
        {
            Store.DataDirectory.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A SQLite file still closing is not worth failing a test over.
        }
    }
}
