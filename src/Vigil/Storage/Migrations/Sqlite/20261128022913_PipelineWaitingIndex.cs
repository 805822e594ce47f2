using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Vigil.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class PipelineWaitingIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_ingest_items_ProcessedAt_Id",
                table: "ingest_items");

            migrationBuilder.CreateIndex(
                name: "IX_ingest_items_waiting",
                table: "ingest_items",
                column: "Id",
                filter: "\"ProcessedAt\" IS NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_ingest_items_waiting",
                table: "ingest_items");

            migrationBuilder.CreateIndex(
                name: "IX_ingest_items_ProcessedAt_Id",
                table: "ingest_items",
                columns: new[] { "ProcessedAt", "Id" });
        }
    }
}
