// HAND-WRITTEN migration (SQLite only): EF Core cannot express month tables behind a view, so this file is not
// generated and must be kept as is when the generated migrations are regenerated. Its id sorts after the generated
// migrations of this branch so that it runs once the record tables exist.
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Vigil.Storage.Migrations.Sqlite
{
    /// <summary>
    /// SQLite's counterpart of PostgreSQL's month partitions: each event record table becomes <c>TABLE_default</c>
    /// (the rows stored so far, and the template month tables are made from), and <c>TABLE</c> becomes a view, the
    /// UNION ALL of the default table and the month tables <c>TABLE_YYYYMM</c> that the records store creates before
    /// inserts land (<see cref="Vigil.Records.RecordPartitions"/>). The purge drops a month table whole instead of
    /// deleting its rows one by one (see docs/records.md).
    /// </summary>
    [DbContext(typeof(SqliteVigilDb))]
    [Migration("20261127235959_RecordsMonthTables")]
    public sealed class RecordsMonthTables : Migration
    {
        private static readonly string[] Tables = ["access_logs", "message_metadata", "message_participants", "stored_content", "media_hashes"];

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            foreach (var t in Tables)
            {
                migrationBuilder.Sql($"ALTER TABLE \"{t}\" RENAME TO \"{t}_default\";");
                migrationBuilder.Sql($"CREATE VIEW \"{t}\" AS SELECT * FROM \"{t}_default\";");
            }
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder) =>
            // Going back would have to fold every month table into one table again, which SQL alone cannot enumerate;
            // refusing is better than leaving the months' records behind, unreachable.
            throw new NotSupportedException("the SQLite record month tables cannot be reverted; restore a backup taken before the migration instead");
    }
}
