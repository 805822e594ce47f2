using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Vigil.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Webhooks : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "WebhookPreviousSecret",
                table: "platforms",
                type: "TEXT",
                maxLength: 1000,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "WebhookPreviousSecretExpiresAt",
                table: "platforms",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "WebhookSecret",
                table: "platforms",
                type: "TEXT",
                maxLength: 1000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "WebhookUrl",
                table: "platforms",
                type: "TEXT",
                maxLength: 2000,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "WebhookPreviousSecret",
                table: "platforms");

            migrationBuilder.DropColumn(
                name: "WebhookPreviousSecretExpiresAt",
                table: "platforms");

            migrationBuilder.DropColumn(
                name: "WebhookSecret",
                table: "platforms");

            migrationBuilder.DropColumn(
                name: "WebhookUrl",
                table: "platforms");
        }
    }
}
