using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Vigil.Storage.Migrations.Postgres
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
                type: "character varying(1000)",
                maxLength: 1000,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "WebhookPreviousSecretExpiresAt",
                table: "platforms",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "WebhookSecret",
                table: "platforms",
                type: "character varying(1000)",
                maxLength: 1000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "WebhookUrl",
                table: "platforms",
                type: "character varying(2000)",
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
