using System.Collections.Concurrent;
using System.Data.Common;
using System.Globalization;
using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace Vigil.Storage;

/// <summary>
/// Inserts new rows of one entity type with plain SQL, for write paths where EF Core's change tracking (graph
/// attachment, key fix-up, command batching) costs several times the database's own work: HI-1 intake writes about ten
/// rows per order. Tables, columns, value conversions and parameter types come from the EF model, so a row is stored
/// exactly as <c>SaveChanges</c> would store it, and a generated key is read back into the entity. Runs on the context's
/// connection and current transaction; the entities are not tracked.
/// SQLite: one prepared <c>INSERT … RETURNING</c> executed per row (in process, no round trip). PostgreSQL: one
/// <c>INSERT … SELECT FROM unnest(…)</c> for all rows, with keys drawn from the identity sequence beforehand.
/// </summary>
internal static class RowInserter
{
    private static readonly ConcurrentDictionary<(Type Context, Type Entity), Plan> Plans = new();

    public static async Task InsertAsync<T>(VigilDb db, IReadOnlyList<T> rows, CancellationToken ct)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count == 0)
        {
            return;
        }
        var plan = Plans.GetOrAdd((db.GetType(), typeof(T)), static (k, db) => Plan.For(db, k.Entity), db);
        var connection = db.Database.GetDbConnection();
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction()
            ?? throw new InvalidOperationException("RowInserter writes inside the caller's transaction; begin one first");
        if (connection is NpgsqlConnection postgres)
        {
            await InsertUnnestAsync(plan, postgres, (NpgsqlTransaction)transaction, rows, ct);
        }
        else
        {
            await InsertEachAsync(plan, connection, transaction, rows, ct);
        }
    }

    private static async Task InsertEachAsync<T>(Plan plan, DbConnection connection, DbTransaction transaction, IReadOnlyList<T> rows, CancellationToken ct)
        where T : class
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = plan.Sql();
        foreach (var row in rows)
        {
            command.Parameters.Clear();
            plan.Bind(command, row);
            var id = await command.ExecuteScalarAsync(ct);
            plan.SetKey(row, id);
        }
    }

    /// <summary>
    /// PostgreSQL: keys are drawn from the column's identity sequence first (one statement), then every row goes in one
    /// <c>INSERT … SELECT FROM unnest(…)</c> with one array parameter per column: two statements for any number of rows,
    /// where one statement per row cost PostgreSQL more than the rows themselves.
    /// </summary>
    private static async Task InsertUnnestAsync<T>(Plan plan, NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<T> rows, CancellationToken ct)
        where T : class
    {
        long[]? keys = null;
        if (plan.Key is not null)
        {
            keys = new long[rows.Count];
            await using var next = new NpgsqlCommand(
                "SELECT nextval(pg_get_serial_sequence($1, $2)) FROM generate_series(1, $3)", connection, transaction);
            next.Parameters.Add(new NpgsqlParameter { Value = plan.Table });
            next.Parameters.Add(new NpgsqlParameter { Value = plan.KeyName });
            next.Parameters.Add(new NpgsqlParameter { Value = rows.Count });
            await using var reader = await next.ExecuteReaderAsync(ct);
            for (int i = 0; i < keys.Length; i++)
            {
                if (!await reader.ReadAsync(ct))
                {
                    throw new InvalidOperationException($"the identity sequence of {plan.Table} gave {i} keys for {rows.Count} rows");
                }
                keys[i] = reader.GetInt64(0);
            }
        }
        await using var insert = new NpgsqlCommand(plan.UnnestSql, connection, transaction);
        if (keys is not null)
        {
            insert.Parameters.Add(new NpgsqlParameter { Value = keys });
        }
        foreach (var column in plan.Columns(rows))
        {
            insert.Parameters.Add(new NpgsqlParameter { Value = column });
        }
        await insert.ExecuteNonQueryAsync(ct);
        if (keys is not null)
        {
            for (int i = 0; i < rows.Count; i++)
            {
                plan.SetKey(rows[i], keys[i]);
            }
        }
    }

    /// <summary>One entity type's INSERT: its columns in order, each with the EF type mapping that converts and types the value.</summary>
    private sealed class Plan
    {
        private readonly string[] columns;
        private readonly (IProperty Property, RelationalTypeMapping Mapping)[] values;
        private readonly Type[] arrayElementTypes;
        private readonly string keyColumn;

        private Plan(string table, string[] columns, (IProperty, RelationalTypeMapping)[] values, PropertyInfo? key, string keyColumn, string keyName)
        {
            Table = table;
            this.columns = columns;
            this.values = values;
            Key = key;
            this.keyColumn = keyColumn;
            KeyName = keyName;
            arrayElementTypes = Array.ConvertAll(values, v => ArrayElementType(v.Item1, v.Item2));
            var names = Key is null ? columns : [keyColumn, .. columns];
            var arrays = Enumerable.Range(1, names.Length).Select(i => "$" + i.ToString(CultureInfo.InvariantCulture));
            UnnestSql = $"INSERT INTO {Table} ({string.Join(", ", names)}) SELECT * FROM unnest({string.Join(", ", arrays)})";
        }

        public string Table { get; }

        /// <summary>The key column's name as stored (not quoted).</summary>
        public string KeyName { get; }

        /// <summary>The store-generated key, read back after the insert; null when the table has none.</summary>
        public PropertyInfo? Key { get; }

        public static Plan For(VigilDb db, Type clrType)
        {
            var entity = db.Model.FindEntityType(clrType) ?? throw new InvalidOperationException($"{clrType.Name} is not in the model");
            var tableName = entity.GetTableName() ?? throw new InvalidOperationException($"{clrType.Name} is not mapped to a table");
            var store = StoreObjectIdentifier.Table(tableName, entity.GetSchema());
            var sql = db.GetService<ISqlGenerationHelper>();
            if (entity.GetNavigations().Any(n => n.TargetEntityType.IsOwned()) || entity.GetComplexProperties().Any())
            {
                throw new NotSupportedException($"{clrType.Name} has owned or complex properties, which RowInserter does not write");
            }
            var generatedKey = entity.FindPrimaryKey() is { Properties: [var k] } && k.ValueGenerated == ValueGenerated.OnAdd ? k : null;
            var cols = new List<string>();
            var vals = new List<(IProperty, RelationalTypeMapping)>();
            foreach (var p in entity.GetProperties())
            {
                if (p == generatedKey)
                {
                    continue;
                }
                if (p.IsShadowProperty() || p.ValueGenerated != ValueGenerated.Never)
                {
                    throw new NotSupportedException($"{clrType.Name}.{p.Name} is a shadow or store-generated property, which RowInserter does not write");
                }
                cols.Add(sql.DelimitIdentifier(p.GetColumnName(store) ?? throw new InvalidOperationException($"{clrType.Name}.{p.Name} has no column")));
                vals.Add((p, p.GetRelationalTypeMapping()));
            }
            var key = generatedKey?.PropertyInfo;
            var keyName = generatedKey?.GetColumnName(store) ?? "";
            return new Plan(sql.DelimitIdentifier(tableName, entity.GetSchema()), [.. cols], [.. vals], key, keyName.Length == 0 ? "" : sql.DelimitIdentifier(keyName), keyName);
        }

        /// <summary>SQLite: one row, its generated key returned.</summary>
        public string Sql()
        {
            var names = Enumerable.Range(0, values.Length).Select(Name);
            var returning = Key is null ? "" : " RETURNING " + keyColumn;
            return $"INSERT INTO {Table} ({string.Join(", ", columns)}) VALUES ({string.Join(", ", names)}){returning}";
        }

        /// <summary>PostgreSQL: the key (when generated, given explicitly) and every column from one array parameter each.</summary>
        public string UnnestSql { get; }

        /// <summary>
        /// One typed array per column (the provider type after EF's value conversion, nullable where the column is), so
        /// Npgsql sends each as the matching PostgreSQL array type.
        /// </summary>
        public IEnumerable<Array> Columns<T>(IReadOnlyList<T> rows)
            where T : class
        {
            for (int c = 0; c < values.Length; c++)
            {
                var (property, mapping) = values[c];
                var array = Array.CreateInstance(arrayElementTypes[c], rows.Count);
                var getter = property.GetGetter();
                for (int i = 0; i < rows.Count; i++)
                {
                    var value = getter.GetClrValueUsingContainingEntity(rows[i]);
                    array.SetValue(value is null ? null : mapping.Converter?.ConvertToProvider(value) ?? value, i);
                }
                yield return array;
            }
        }

        /// <summary>A column's array element type: the provider type, nullable where the column is.</summary>
        private static Type ArrayElementType(IProperty property, RelationalTypeMapping mapping)
        {
            var type = mapping.Converter?.ProviderClrType ?? mapping.ClrType;
            type = Nullable.GetUnderlyingType(type) ?? type;
            return type.IsValueType && property.IsNullable ? typeof(Nullable<>).MakeGenericType(type) : type;
        }

        public void Bind(DbCommand command, object row)
        {
            for (int i = 0; i < values.Length; i++)
            {
                var (property, mapping) = values[i];
                var value = property.GetGetter().GetClrValueUsingContainingEntity(row);
                command.Parameters.Add(mapping.CreateParameter(command, Name(i), value, property.IsNullable));
            }
        }

        private static string Name(int i) => "@p" + i.ToString(CultureInfo.InvariantCulture);

        public void SetKey(object row, object? id)
        {
            if (Key is null)
            {
                return;
            }
            if (id is null or DBNull)
            {
                throw new InvalidOperationException($"INSERT into {Table} returned no key");
            }
            Key.SetValue(row, Convert.ChangeType(id, Key.PropertyType, CultureInfo.InvariantCulture));
        }
    }
}
