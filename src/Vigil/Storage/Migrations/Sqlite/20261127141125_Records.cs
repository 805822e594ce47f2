using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Vigil.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Records : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "access_logs",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    PlatformId = table.Column<long>(type: "INTEGER", nullable: false),
                    AccountId = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    At = table.Column<long>(type: "INTEGER", nullable: false),
                    IpAddress = table.Column<string>(type: "TEXT", maxLength: 45, nullable: false),
                    SourcePort = table.Column<int>(type: "INTEGER", nullable: true),
                    DeviceId = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    RecordedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_access_logs", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "media_hashes",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    PlatformId = table.Column<long>(type: "INTEGER", nullable: false),
                    ItemId = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    AccountId = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    At = table.Column<long>(type: "INTEGER", nullable: false),
                    Algorithm = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Hash = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    RecordedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_media_hashes", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "message_metadata",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    PlatformId = table.Column<long>(type: "INTEGER", nullable: false),
                    MessageId = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    SenderAccountId = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    RecipientAccountIds = table.Column<string>(type: "TEXT", nullable: false),
                    At = table.Column<long>(type: "INTEGER", nullable: false),
                    SizeBytes = table.Column<long>(type: "INTEGER", nullable: false),
                    E2ee = table.Column<bool>(type: "INTEGER", nullable: false),
                    RecordedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_message_metadata", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "message_participants",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    PlatformId = table.Column<long>(type: "INTEGER", nullable: false),
                    MessageRecordId = table.Column<long>(type: "INTEGER", nullable: false),
                    AccountId = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    At = table.Column<long>(type: "INTEGER", nullable: false),
                    IsSender = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_message_participants", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "stored_content",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    PlatformId = table.Column<long>(type: "INTEGER", nullable: false),
                    ItemId = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    AccountId = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    At = table.Column<long>(type: "INTEGER", nullable: false),
                    ContentType = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    Text = table.Column<string>(type: "TEXT", nullable: true),
                    Body = table.Column<byte[]>(type: "BLOB", nullable: true),
                    RecordedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_stored_content", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "subscriber_records",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    PlatformId = table.Column<long>(type: "INTEGER", nullable: false),
                    AccountId = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    Username = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    NamesGiven = table.Column<string>(type: "TEXT", maxLength: 512, nullable: true),
                    Email = table.Column<string>(type: "TEXT", maxLength: 320, nullable: true),
                    Phone = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    AccountCreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Country = table.Column<string>(type: "TEXT", maxLength: 2, nullable: true),
                    UsPerson = table.Column<bool>(type: "INTEGER", nullable: false),
                    RecordedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_subscriber_records", x => x.Id);
                    table.ForeignKey(
                        name: "FK_subscriber_records_platforms_PlatformId",
                        column: x => x.PlatformId,
                        principalTable: "platforms",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_access_logs_AccountId_At",
                table: "access_logs",
                columns: new[] { "AccountId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_access_logs_At",
                table: "access_logs",
                column: "At");

            migrationBuilder.CreateIndex(
                name: "IX_access_logs_IpAddress_At",
                table: "access_logs",
                columns: new[] { "IpAddress", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_media_hashes_AccountId_At",
                table: "media_hashes",
                columns: new[] { "AccountId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_media_hashes_At",
                table: "media_hashes",
                column: "At");

            migrationBuilder.CreateIndex(
                name: "IX_media_hashes_PlatformId_ItemId_Algorithm_At",
                table: "media_hashes",
                columns: new[] { "PlatformId", "ItemId", "Algorithm", "At" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_message_metadata_At",
                table: "message_metadata",
                column: "At");

            migrationBuilder.CreateIndex(
                name: "IX_message_metadata_PlatformId_MessageId_At",
                table: "message_metadata",
                columns: new[] { "PlatformId", "MessageId", "At" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_message_participants_AccountId_At",
                table: "message_participants",
                columns: new[] { "AccountId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_message_participants_At",
                table: "message_participants",
                column: "At");

            migrationBuilder.CreateIndex(
                name: "IX_stored_content_AccountId_At",
                table: "stored_content",
                columns: new[] { "AccountId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_stored_content_At",
                table: "stored_content",
                column: "At");

            migrationBuilder.CreateIndex(
                name: "IX_stored_content_PlatformId_ItemId_At",
                table: "stored_content",
                columns: new[] { "PlatformId", "ItemId", "At" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_subscriber_records_Email",
                table: "subscriber_records",
                column: "Email");

            migrationBuilder.CreateIndex(
                name: "IX_subscriber_records_Phone",
                table: "subscriber_records",
                column: "Phone");

            migrationBuilder.CreateIndex(
                name: "IX_subscriber_records_PlatformId_AccountId",
                table: "subscriber_records",
                columns: new[] { "PlatformId", "AccountId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_subscriber_records_RecordedAt",
                table: "subscriber_records",
                column: "RecordedAt");

            migrationBuilder.CreateIndex(
                name: "IX_subscriber_records_Username",
                table: "subscriber_records",
                column: "Username");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "access_logs");

            migrationBuilder.DropTable(
                name: "media_hashes");

            migrationBuilder.DropTable(
                name: "message_metadata");

            migrationBuilder.DropTable(
                name: "message_participants");

            migrationBuilder.DropTable(
                name: "stored_content");

            migrationBuilder.DropTable(
                name: "subscriber_records");
        }
    }
}
