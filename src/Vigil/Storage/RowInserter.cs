using System.Collections.Concurrent;
using System.Data.Common;
using System.Globalization;
using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Vigil.Storage;

/// <summary>
/// Inserts new rows of one entity type with plain SQL, for write paths where EF Core's change tracking (graph
/// attachment, key fix-up, command batching) costs several times the database's own work: HI-1 intake writes about ten
/// rows per order. Tables, columns, value conversions and parameter types come from the EF model, so a row is stored
/// exactly as <c>SaveChanges</c> would store it, and a generated key is read back into the entity. Runs on the context's
/// connection and current transaction; the entities are not tracked.
/// SQLite: one prepared <c>INSERT … RETURNING</c> executed per row (in process, no round trip). PostgreSQL: one batch
/// of such statements, one round trip for all rows.
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
        if (connection.CanCreateBatch)
        {
            await InsertBatchAsync(plan, connection, transaction, rows, ct);
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
        command.CommandText = plan.Sql(positional: false);
        foreach (var row in rows)
        {
            command.Parameters.Clear();
            plan.Bind(command, command.Parameters, row, positional: false);
            var id = await command.ExecuteScalarAsync(ct);
            plan.SetKey(row, id);
        }
    }

    private static async Task InsertBatchAsync<T>(Plan plan, DbConnection connection, DbTransaction transaction, IReadOnlyList<T> rows, CancellationToken ct)
        where T : class
    {
        await using var batch = connection.CreateBatch();
        batch.Transaction = transaction;
        // Parameters are created through a command of the same provider (DbBatchCommand has no factory of its own).
        await using var factory = connection.CreateCommand();
        var sql = plan.Sql(positional: true);
        foreach (var row in rows)
        {
            var command = batch.CreateBatchCommand();
            command.CommandText = sql;
            plan.Bind(factory, command.Parameters, row, positional: true);
            batch.BatchCommands.Add(command);
        }
        await using var reader = await batch.ExecuteReaderAsync(ct);
        for (int i = 0; i < rows.Count; i++)
        {
            object? id = null;
            if (plan.Key is not null)
            {
                if (!await reader.ReadAsync(ct))
                {
                    throw new InvalidOperationException($"INSERT into {plan.Table} returned no key for row {i}");
                }
                id = reader.GetValue(0);
            }
            plan.SetKey(rows[i], id);
            if (i < rows.Count - 1 && !await reader.NextResultAsync(ct))
            {
                throw new InvalidOperationException($"INSERT into {plan.Table} returned {i + 1} results for {rows.Count} rows");
            }
        }
    }

    /// <summary>One entity type's INSERT: its columns in order, each with the EF type mapping that converts and types the value.</summary>
    private sealed class Plan
    {
        private readonly string[] columns;
        private readonly (IProperty Property, RelationalTypeMapping Mapping)[] values;
        private readonly string keyColumn;

        private Plan(string table, string[] columns, (IProperty, RelationalTypeMapping)[] values, PropertyInfo? key, string keyColumn)
        {
            Table = table;
            this.columns = columns;
            this.values = values;
            Key = key;
            this.keyColumn = keyColumn;
        }

        public string Table { get; }

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
            var keyColumn = generatedKey is null ? "" : sql.DelimitIdentifier(generatedKey.GetColumnName(store)!);
            return new Plan(sql.DelimitIdentifier(tableName, entity.GetSchema()), [.. cols], [.. vals], key, keyColumn);
        }

        public string Sql(bool positional)
        {
            var names = Enumerable.Range(0, values.Length).Select(i => positional ? "$" + (i + 1).ToString(CultureInfo.InvariantCulture) : "@p" + i.ToString(CultureInfo.InvariantCulture));
            var returning = Key is null ? "" : " RETURNING " + keyColumn;
            return $"INSERT INTO {Table} ({string.Join(", ", columns)}) VALUES ({string.Join(", ", names)}){returning}";
        }

        public void Bind(DbCommand factory, DbParameterCollection parameters, object row, bool positional)
        {
            for (int i = 0; i < values.Length; i++)
            {
                var (property, mapping) = values[i];
                var value = property.GetGetter().GetClrValueUsingContainingEntity(row);
                var parameter = mapping.CreateParameter(factory, positional ? "" : "@p" + i.ToString(CultureInfo.InvariantCulture), value, property.IsNullable);
                parameters.Add(parameter);
            }
        }

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
