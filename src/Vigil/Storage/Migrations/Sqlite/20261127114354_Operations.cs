using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Vigil.Storage.Migrations.Sqlite
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
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "MaxBodyBytes",
                table: "platforms",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "RequestsPerSecond",
                table: "platforms",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "metrics_tokens",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    TokenId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    SecretSha256 = table.Column<byte[]>(type: "BLOB", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    RevokedAt = table.Column<long>(type: "INTEGER", nullable: true)
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
