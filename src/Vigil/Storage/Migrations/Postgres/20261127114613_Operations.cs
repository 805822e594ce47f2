using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Vigil.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Operations : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "Burst",
                table: "platforms",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "MaxBodyBytes",
                table: "platforms",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "RequestsPerSecond",
                table: "platforms",
                type: "integer",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "metrics_tokens",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    TokenId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    SecretSha256 = table.Column<byte[]>(type: "bytea", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    RevokedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_metrics_tokens", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_metrics_tokens_Name",
                table: "metrics_tokens",
                column: "Name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_metrics_tokens_TokenId",
                table: "metrics_tokens",
                column: "TokenId",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "metrics_tokens");

            migrationBuilder.DropColumn(
                name: "Burst",
                table: "platforms");

            migrationBuilder.DropColumn(
                name: "MaxBodyBytes",
                table: "platforms");

            migrationBuilder.DropColumn(
                name: "RequestsPerSecond",
                table: "platforms");
        }
    }
}
