using Npgsql;

namespace Vigil.Ledger.Tests;

/// <summary>
/// A throw-away PostgreSQL database for one test, on the server named by VIGIL_TEST_POSTGRES (a superuser
/// connection string; test.sh sets it). Without it the test fails, never skips.
/// </summary>
internal sealed class PostgresDatabase : IDisposable
{
    private readonly string _admin;
    private readonly string _name = "vigil_ledger_" + Guid.NewGuid().ToString("N");

    public PostgresDatabase()
    {
        string? admin = Environment.GetEnvironmentVariable("VIGIL_TEST_POSTGRES");
        if (string.IsNullOrWhiteSpace(admin))
        {
            string ci = string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase) ? " (CI=true)" : "";
            Assert.Fail($"VIGIL_TEST_POSTGRES is not set{ci}: PostgreSQL tests need a superuser connection string; ./test.sh sets one up.");
        }

        _admin = admin;
        using var connection = new NpgsqlConnection(_admin);
        connection.Open();
        using var create = new NpgsqlCommand($"CREATE DATABASE {_name}", connection);
        create.ExecuteNonQuery();
        ConnectionString = new NpgsqlConnectionStringBuilder(_admin) { Database = _name }.ToString();
    }

    public string ConnectionString { get; }

    public void Dispose()
    {
        NpgsqlConnection.ClearAllPools();
        using var connection = new NpgsqlConnection(_admin);
        connection.Open();
        using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_name} WITH (FORCE)", connection);
        drop.ExecuteNonQuery();
    }
}
