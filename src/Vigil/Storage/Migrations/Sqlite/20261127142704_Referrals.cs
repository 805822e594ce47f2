using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Vigil.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Referrals : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "AcknowledgedAt",
                table: "referrals",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "Attempts",
                table: "referrals",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<long>(
                name: "AuthorityId",
                table: "referrals",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ChosenBy",
                table: "referrals",
                type: "TEXT",
                maxLength: 1000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "CreatedBy",
                table: "referrals",
                type: "TEXT",
                maxLength: 256,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "DeliveredAt",
                table: "referrals",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "Encrypted",
                table: "referrals",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<double>(
                name: "EndToEndMs",
                table: "referrals",
                type: "REAL",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "ItemReceivedAt",
                table: "referrals",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "LastError",
                table: "referrals",
                type: "TEXT",
                maxLength: 2000,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "NextAttemptAt",
                table: "referrals",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<byte[]>(
                name: "Package",
                table: "referrals",
                type: "BLOB",
                nullable: true);

            migrationBuilder.AddColumn<byte[]>(
                name: "PackageSha256",
                table: "referrals",
                type: "BLOB",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ReceiptId",
                table: "referrals",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_referrals_AuthorityId_CreatedAt",
                table: "referrals",
                columns: new[] { "AuthorityId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_referrals_State_NextAttemptAt",
                table: "referrals",
                columns: new[] { "State", "NextAttemptAt" });

            migrationBuilder.AddForeignKey(
                name: "FK_referrals_authorities_AuthorityId",
                table: "referrals",
                column: "AuthorityId",
                principalTable: "authorities",
                principalColumn: "Id",
                onDelete: ReferentialAction.Restrict);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_referrals_authorities_AuthorityId",
                table: "referrals");

            migrationBuilder.DropIndex(
                name: "IX_referrals_AuthorityId_CreatedAt",
                table: "referrals");

            migrationBuilder.DropIndex(
                name: "IX_referrals_State_NextAttemptAt",
                table: "referrals");

            migrationBuilder.DropColumn(
                name: "AcknowledgedAt",
                table: "referrals");

            migrationBuilder.DropColumn(
                name: "Attempts",
                table: "referrals");

            migrationBuilder.DropColumn(
                name: "AuthorityId",
                table: "referrals");

            migrationBuilder.DropColumn(
                name: "ChosenBy",
                table: "referrals");

            migrationBuilder.DropColumn(
                name: "CreatedBy",
                table: "referrals");

            migrationBuilder.DropColumn(
                name: "DeliveredAt",
                table: "referrals");

            migrationBuilder.DropColumn(
                name: "Encrypted",
                table: "referrals");

            migrationBuilder.DropColumn(
                name: "EndToEndMs",
                table: "referrals");

            migrationBuilder.DropColumn(
                name: "ItemReceivedAt",
                table: "referrals");

            migrationBuilder.DropColumn(
                name: "LastError",
                table: "referrals");

            migrationBuilder.DropColumn(
                name: "NextAttemptAt",
                table: "referrals");

            migrationBuilder.DropColumn(
                name: "Package",
                table: "referrals");

            migrationBuilder.DropColumn(
                name: "PackageSha256",
                table: "referrals");

            migrationBuilder.DropColumn(
                name: "ReceiptId",
                table: "referrals");
        }
    }
}
