using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Vigil.Storage;

namespace Vigil.Tests.Records;

/// <summary>Raw SQL probes, so tests see what is physically in the tables (not what EF would filter).</summary>
internal static class RecordsKit
{
    public static async Task<long> CountAsync(VigilDb db, string table, string where = "1 = 1")
    {
        await db.Database.OpenConnectionAsync();
        try
        {
            await using var cmd = db.Database.GetDbConnection().CreateCommand();
            cmd.CommandText = $"SELECT COUNT(*) FROM {table} WHERE {where}";
            cmd.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
            return Convert.ToInt64(await cmd.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    public static async Task ExecAsync(VigilDb db, string sql)
    {
        await db.Database.OpenConnectionAsync();
        try
        {
            await using var cmd = db.Database.GetDbConnection().CreateCommand();
            cmd.CommandText = sql;
            await cmd.ExecuteNonQueryAsync();
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}
