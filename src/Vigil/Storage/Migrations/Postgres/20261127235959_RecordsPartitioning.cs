// HAND-WRITTEN migration (PostgreSQL only): EF Core cannot express declarative partitioning, so this file is not
// generated and must be kept as is when the generated migrations are regenerated. Its id sorts after the generated
// migrations of this branch so that it runs once the record tables exist.
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Vigil.Storage.Migrations.Postgres
{
    /// <summary>
    /// Turns the event record tables into tables partitioned by month of "At" (primary key ("Id", "At")), each with a
    /// default partition, and adds <c>vigil_records_ensure_partition(table, month)</c>, which the records store calls
    /// before inserts so rows land in their month's partition (see docs/records.md).
    /// </summary>
    [DbContext(typeof(PostgresVigilDb))]
    [Migration("20261127235959_RecordsPartitioning")]
    public sealed class RecordsPartitioning : Migration
    {
        internal const string Tables = "ARRAY['access_logs','message_metadata','message_participants','stored_content','media_hashes']";

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Generic over the columns and indexes EF generated: the indexes are read back from the catalogue and
            // recreated on the partitioned table (as partitioned indexes), so a later generated migration that
            // adds a column or index to these tables still applies.
            migrationBuilder.Sql($$"""
                DO $do$
                DECLARE
                    t text;
                    defs text[];
                    d text;
                    maxid bigint;
                BEGIN
                    FOREACH t IN ARRAY {{Tables}} LOOP
                        SELECT coalesce(array_agg(indexdef), '{}') INTO defs
                          FROM pg_indexes WHERE schemaname = current_schema() AND tablename = t AND indexname <> 'PK_' || t;
                        EXECUTE format('ALTER TABLE %I RENAME TO %I', t, t || '_plain');
                        EXECUTE format('ALTER TABLE %I RENAME CONSTRAINT %I TO %I', t || '_plain', 'PK_' || t, 'PK_' || t || '_plain');
                        EXECUTE format('CREATE TABLE %I (LIKE %I INCLUDING DEFAULTS INCLUDING IDENTITY) PARTITION BY RANGE ("At")', t, t || '_plain');
                        EXECUTE format('CREATE TABLE %I PARTITION OF %I DEFAULT', t || '_default', t);
                        EXECUTE format('INSERT INTO %I OVERRIDING SYSTEM VALUE SELECT * FROM %I', t, t || '_plain');
                        EXECUTE format('SELECT max("Id") FROM %I', t) INTO maxid;
                        IF maxid IS NOT NULL THEN
                            PERFORM setval(pg_get_serial_sequence(quote_ident(t), 'Id'), maxid);
                        END IF;
                        EXECUTE format('DROP TABLE %I', t || '_plain');
                        -- A partitioned table's primary key must hold the partition key.
                        EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I PRIMARY KEY ("Id", "At")', t, 'PK_' || t);
                        FOREACH d IN ARRAY defs LOOP
                            EXECUTE d;
                        END LOOP;
                    END LOOP;
                END
                $do$;
                """);

            // Creates parent_YYYYMM for the month starting at month_start (UTC) unless it exists; rows of that month
            // already in the default partition are moved into it first (PostgreSQL refuses to attach a partition
            // whose range the default partition still holds rows of). Returns true when it created the partition.
            migrationBuilder.Sql("""
                CREATE OR REPLACE FUNCTION vigil_records_ensure_partition(parent text, month_start date) RETURNS boolean
                LANGUAGE plpgsql AS $fn$
                DECLARE
                    part text := parent || '_' || to_char(month_start, 'YYYYMM');
                    lo timestamptz := date_trunc('month', month_start)::timestamp AT TIME ZONE 'UTC';
                    hi timestamptz := (date_trunc('month', month_start) + interval '1 month')::timestamp AT TIME ZONE 'UTC';
                BEGIN
                    IF to_regclass(quote_ident(part)) IS NOT NULL THEN
                        RETURN false;
                    END IF;
                    -- Two writers asking for the same new month: the second waits here, then sees the first's table.
                    PERFORM pg_advisory_xact_lock(hashtext('vigil_records_partition:' || part));
                    IF to_regclass(quote_ident(part)) IS NOT NULL THEN
                        RETURN false;
                    END IF;
                    EXECUTE format('CREATE TABLE %I (LIKE %I INCLUDING DEFAULTS)', part, parent);
                    EXECUTE format('WITH moved AS (DELETE FROM %I WHERE "At" >= $1 AND "At" < $2 RETURNING *) INSERT INTO %I SELECT * FROM moved',
                        parent || '_default', part) USING lo, hi;
                    EXECUTE format('ALTER TABLE %I ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', parent, part, lo, hi);
                    RETURN true;
                END
                $fn$;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP FUNCTION IF EXISTS vigil_records_ensure_partition(text, date);");
            migrationBuilder.Sql($$"""
                DO $do$
                DECLARE
                    t text;
                    defs text[];
                    d text;
                    maxid bigint;
                BEGIN
                    FOREACH t IN ARRAY {{Tables}} LOOP
                        SELECT coalesce(array_agg(indexdef), '{}') INTO defs
                          FROM pg_indexes WHERE schemaname = current_schema() AND tablename = t AND indexname <> 'PK_' || t;
                        EXECUTE format('ALTER TABLE %I RENAME TO %I', t, t || '_parts');
                        EXECUTE format('ALTER TABLE %I RENAME CONSTRAINT %I TO %I', t || '_parts', 'PK_' || t, 'PK_' || t || '_parts');
                        EXECUTE format('CREATE TABLE %I (LIKE %I INCLUDING DEFAULTS INCLUDING IDENTITY)', t, t || '_parts');
                        EXECUTE format('INSERT INTO %I OVERRIDING SYSTEM VALUE SELECT * FROM %I', t, t || '_parts');
                        EXECUTE format('SELECT max("Id") FROM %I', t) INTO maxid;
                        IF maxid IS NOT NULL THEN
                            PERFORM setval(pg_get_serial_sequence(quote_ident(t), 'Id'), maxid);
                        END IF;
                        EXECUTE format('DROP TABLE %I CASCADE', t || '_parts');
                        EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I PRIMARY KEY ("Id")', t, 'PK_' || t);
                        FOREACH d IN ARRAY defs LOOP
                            -- A partitioned index's definition reads ON ONLY.
                            EXECUTE replace(d, ' ON ONLY ', ' ON ');
                        END LOOP;
                    END LOOP;
                END
                $do$;
                """);
        }
    }
}
