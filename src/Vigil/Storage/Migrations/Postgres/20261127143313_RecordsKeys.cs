using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Vigil.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class RecordsKeys : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_message_participants_AccountId_At",
                table: "message_participants");

            migrationBuilder.DropIndex(
                name: "IX_access_logs_AccountId_At",
                table: "access_logs");

            migrationBuilder.CreateIndex(
                name: "IX_message_participants_AccountId_At_MessageRecordId_IsSender",
                table: "message_participants",
                columns: new[] { "AccountId", "At", "MessageRecordId", "IsSender" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_access_logs_AccountId_At_IpAddress_PlatformId",
                table: "access_logs",
                columns: new[] { "AccountId", "At", "IpAddress", "PlatformId" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_message_participants_AccountId_At_MessageRecordId_IsSender",
                table: "message_participants");

            migrationBuilder.DropIndex(
                name: "IX_access_logs_AccountId_At_IpAddress_PlatformId",
                table: "access_logs");

            migrationBuilder.CreateIndex(
                name: "IX_message_participants_AccountId_At",
                table: "message_participants",
                columns: new[] { "AccountId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_access_logs_AccountId_At",
                table: "access_logs",
                columns: new[] { "AccountId", "At" });
        }
    }
}
