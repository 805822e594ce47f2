using System.Data;
using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;
using Vigil.Ledger.Merkle;

namespace Vigil.Ledger.Storage;

/// <summary>Which database holds the ledger.</summary>
public enum LedgerDatabase
{
    /// <summary>SQLite (WAL, synchronous=FULL): the default, in <c>DIR/vigil.db</c>.</summary>
    Sqlite,

    /// <summary>PostgreSQL through Npgsql.</summary>
    Postgres,
}

/// <summary>
/// The ledger's tables (<c>ledger_state</c>, <c>ledger_entries</c>, <c>ledger_tiles</c>, <c>ledger_checkpoints</c>)
/// in SQLite or PostgreSQL, through plain parameterised ADO.NET. Not thread-safe: one per connection user.
/// </summary>
internal sealed class LedgerStore : ITileReader, IDisposable
{
    private const int RowsPerInsert = 200;
    private readonly DbConnection _connection;
    private DbCommand? _insertChunk;
    private DbCommand? _upsertTile;
    private DbTransaction? _active;

    private LedgerStore(LedgerDatabase database, DbConnection connection)
    {
        Database = database;
        _connection = connection;
    }

    public LedgerDatabase Database { get; }

    public static LedgerStore Open(LedgerDatabase database, string connectionString)
    {
        DbConnection connection = database == LedgerDatabase.Sqlite
            ? new SqliteConnection(connectionString)
            : new NpgsqlConnection(connectionString);
        connection.Open();
        var store = new LedgerStore(database, connection);
        try
        {
            store.Initialise();
        }
        catch
        {
            store.Dispose();
            throw;
        }

        return store;
    }

    /// <summary>The SQLite connection string for a database file, pooling off so the file closes with the ledger.</summary>
    public static string SqliteConnectionString(string path) =>
        new SqliteConnectionStringBuilder { DataSource = path, Pooling = false, DefaultTimeout = 30 }.ToString();

    private void Initialise()
    {
        if (Database == LedgerDatabase.Sqlite)
        {
            // WAL lets readers run beside the writer; FULL makes every commit durable before it is acknowledged.
            Execute("PRAGMA journal_mode=WAL;");
            Execute("PRAGMA synchronous=FULL;");
            Execute("PRAGMA busy_timeout=30000;");

            // Proofs read tiles at random: map the file rather than copy pages through read().
            Execute("PRAGMA mmap_size=268435456;");
            Execute("""
                CREATE TABLE IF NOT EXISTS ledger_state (id INTEGER PRIMARY KEY CHECK (id = 1), size INTEGER NOT NULL);
                CREATE TABLE IF NOT EXISTS ledger_entries (idx INTEGER PRIMARY KEY, entry BLOB NOT NULL);
                CREATE TABLE IF NOT EXISTS ledger_tiles (level INTEGER NOT NULL, idx INTEGER NOT NULL, hashes BLOB NOT NULL, interior BLOB NOT NULL, PRIMARY KEY (level, idx)) WITHOUT ROWID;
                CREATE TABLE IF NOT EXISTS ledger_checkpoints (size INTEGER PRIMARY KEY, root BLOB NOT NULL, note TEXT NOT NULL);
                INSERT INTO ledger_state (id, size) VALUES (1, 0) ON CONFLICT (id) DO NOTHING;
                """);
        }
        else
        {
            Execute("""
                CREATE TABLE IF NOT EXISTS ledger_state (id INTEGER PRIMARY KEY CHECK (id = 1), size BIGINT NOT NULL);
                CREATE TABLE IF NOT EXISTS ledger_entries (idx BIGINT PRIMARY KEY, entry BYTEA NOT NULL);
                CREATE TABLE IF NOT EXISTS ledger_tiles (level INTEGER NOT NULL, idx BIGINT NOT NULL, hashes BYTEA NOT NULL, interior BYTEA NOT NULL, PRIMARY KEY (level, idx));
                CREATE TABLE IF NOT EXISTS ledger_checkpoints (size BIGINT PRIMARY KEY, root BYTEA NOT NULL, note TEXT NOT NULL);
                INSERT INTO ledger_state (id, size) VALUES (1, 0) ON CONFLICT (id) DO NOTHING;
                """);
        }
    }

    // SQLite: BEGIN IMMEDIATE takes the write lock up front. PostgreSQL: the state row is locked with FOR UPDATE.
    public void BeginWrite() =>
        _active = _connection.BeginTransaction(Database == LedgerDatabase.Sqlite ? IsolationLevel.Serializable : IsolationLevel.ReadCommitted);

    public void CommitWrite()
    {
        DbTransaction transaction = _active ?? throw new InvalidOperationException("No write is in progress.");
        _active = null;
        using (transaction)
        {
            transaction.Commit();
        }
    }

    public void RollbackWrite()
    {
        DbTransaction? transaction = _active;
        _active = null;
        if (transaction is null)
        {
            return;
        }

        using (transaction)
        {
            try
            {
                transaction.Rollback();
            }
            catch (DbException)
            {
                // The connection already rolled back (or broke); the caller reloads state either way.
            }
        }
    }

    /// <summary>The committed tree size; inside a write transaction on PostgreSQL it also locks the state row.</summary>
    public long ReadSize()
    {
        string sql = _active is not null && Database == LedgerDatabase.Postgres
            ? "SELECT size FROM ledger_state WHERE id = 1 FOR UPDATE"
            : "SELECT size FROM ledger_state WHERE id = 1";
        using DbCommand command = Command(sql);
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public void WriteSize(long size)
    {
        using DbCommand command = Command("UPDATE ledger_state SET size = @size WHERE id = 1");
        Add(command, "@size", size);
        command.ExecuteNonQuery();
    }

    /// <summary>Inserts entries with consecutive indices from <paramref name="firstIndex"/>, in multi-row statements.</summary>
    public void InsertEntries(long firstIndex, IReadOnlyList<byte[]> entries)
    {
        int done = 0;
        while (done < entries.Count)
        {
            int rows = Math.Min(RowsPerInsert, entries.Count - done);
            DbCommand command;
            if (rows == RowsPerInsert)
            {
                _insertChunk ??= InsertCommand(RowsPerInsert);
                command = _insertChunk;
            }
            else
            {
                command = InsertCommand(rows);
            }

            command.Transaction = _active;
            for (int r = 0; r < rows; r++)
            {
                command.Parameters[2 * r].Value = firstIndex + done + r;
                command.Parameters[(2 * r) + 1].Value = entries[done + r];
            }

            command.ExecuteNonQuery();
            if (command != _insertChunk)
            {
                command.Dispose();
            }

            done += rows;
        }
    }

    private DbCommand InsertCommand(int rows)
    {
        var sql = new System.Text.StringBuilder("INSERT INTO ledger_entries (idx, entry) VALUES ");
        DbCommand command = _connection.CreateCommand();
        for (int r = 0; r < rows; r++)
        {
            sql.Append(r == 0 ? "" : ",").Append("(@i").Append(r).Append(",@e").Append(r).Append(')');
            Add(command, "@i" + r, 0L);
            Add(command, "@e" + r, Array.Empty<byte>());
        }

        command.CommandText = sql.ToString();
        return command;
    }

    public void WriteTiles(IEnumerable<TileWrite> tiles)
    {
        if (_upsertTile is null)
        {
            _upsertTile = _connection.CreateCommand();
            _upsertTile.CommandText = "INSERT INTO ledger_tiles (level, idx, hashes, interior) VALUES (@level, @idx, @hashes, @interior) "
                + "ON CONFLICT (level, idx) DO UPDATE SET hashes = excluded.hashes, interior = excluded.interior";
            Add(_upsertTile, "@level", 0);
            Add(_upsertTile, "@idx", 0L);
            Add(_upsertTile, "@hashes", Array.Empty<byte>());
            Add(_upsertTile, "@interior", Array.Empty<byte>());
        }

        _upsertTile.Transaction = _active;
        foreach (TileWrite tile in tiles)
        {
            _upsertTile.Parameters[0].Value = tile.Level;
            _upsertTile.Parameters[1].Value = tile.Index;
            _upsertTile.Parameters[2].Value = tile.Hashes;
            _upsertTile.Parameters[3].Value = tile.Interior ?? throw new ArgumentException($"Tile {tile.Level}/{tile.Index} has no interior hashes.", nameof(tiles));
            _upsertTile.ExecuteNonQuery();
        }
    }

    /// <inheritdoc />
    public TileData ReadTile(int level, long index, int minWidth)
    {
        using DbCommand command = Command("SELECT hashes, interior FROM ledger_tiles WHERE level = @level AND idx = @idx");
        Add(command, "@level", level);
        Add(command, "@idx", index);
        using DbDataReader reader = command.ExecuteReader();
        if (!reader.Read())
        {
            throw new InvalidDataException($"Stored tile {level}/{index} is missing.");
        }

        byte[] hashes = reader.GetFieldValue<byte[]>(0);
        byte[] interior = reader.GetFieldValue<byte[]>(1);
        if (hashes.Length < minWidth * Rfc6962.HashSize || interior.Length != TileData.InteriorSlots * Rfc6962.HashSize)
        {
            throw new InvalidDataException($"Stored tile {level}/{index} holds fewer than {minWidth} hashes or a malformed interior.");
        }

        return new TileData(hashes, interior);
    }

    /// <summary>Reads entries with index in [from, to), in index order, as stored (gaps and extras included).</summary>
    public IEnumerable<(long Index, byte[] Entry)> ReadEntries(long from, long to)
    {
        using DbCommand command = Command("SELECT idx, entry FROM ledger_entries WHERE idx >= @from AND idx < @to ORDER BY idx");
        Add(command, "@from", from);
        Add(command, "@to", to);
        using DbDataReader reader = command.ExecuteReader();
        while (reader.Read())
        {
            yield return (reader.GetInt64(0), reader.GetFieldValue<byte[]>(1));
        }
    }

    public byte[]? ReadEntry(long index)
    {
        using DbCommand command = Command("SELECT entry FROM ledger_entries WHERE idx = @idx");
        Add(command, "@idx", index);
        return command.ExecuteScalar() as byte[];
    }

    public void InsertCheckpoint(long size, byte[] root, string note)
    {
        using DbCommand command = Command("INSERT INTO ledger_checkpoints (size, root, note) VALUES (@size, @root, @note) ON CONFLICT (size) DO NOTHING");
        Add(command, "@size", size);
        Add(command, "@root", root);
        Add(command, "@note", note);
        command.ExecuteNonQuery();
    }

    public (long Size, byte[] Root, string Note)? LatestCheckpoint()
    {
        using DbCommand command = Command("SELECT size, root, note FROM ledger_checkpoints ORDER BY size DESC LIMIT 1");
        using DbDataReader reader = command.ExecuteReader();
        return reader.Read() ? (reader.GetInt64(0), reader.GetFieldValue<byte[]>(1), reader.GetString(2)) : null;
    }

    public List<(long Size, byte[] Root, string Note)> Checkpoints()
    {
        using DbCommand command = Command("SELECT size, root, note FROM ledger_checkpoints ORDER BY size");
        using DbDataReader reader = command.ExecuteReader();
        var list = new List<(long, byte[], string)>();
        while (reader.Read())
        {
            list.Add((reader.GetInt64(0), reader.GetFieldValue<byte[]>(1), reader.GetString(2)));
        }

        return list;
    }

    /// <summary>Runs raw SQL: for tests that tamper with the tables.</summary>
    internal int Execute(string sql, params (string Name, object Value)[] parameters)
    {
        using DbCommand command = Command(sql);
        foreach ((string name, object value) in parameters)
        {
            Add(command, name, value);
        }

        return command.ExecuteNonQuery();
    }

    private DbCommand Command(string sql)
    {
        DbCommand command = _connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = _active;
        return command;
    }

    private static void Add(DbCommand command, string name, object value)
    {
        DbParameter parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    public void Dispose()
    {
        RollbackWrite();
        _insertChunk?.Dispose();
        _upsertTile?.Dispose();
        _connection.Dispose();
    }
}
