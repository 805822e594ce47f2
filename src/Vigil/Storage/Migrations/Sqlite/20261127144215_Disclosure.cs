using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Vigil.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Disclosure : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "disclosure_packages",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    OrderId = table.Column<long>(type: "INTEGER", nullable: false),
                    AuthorityId = table.Column<long>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    CreatedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    SizeBytes = table.Column<long>(type: "INTEGER", nullable: false),
                    Sha256 = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ManifestSha256 = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Content = table.Column<byte[]>(type: "BLOB", nullable: true),
                    RecordCount = table.Column<int>(type: "INTEGER", nullable: false),
                    ExpiresAt = table.Column<long>(type: "INTEGER", nullable: false),
                    DownloadedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    DownloadedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_disclosure_packages", x => x.Id);
                    table.ForeignKey(
                        name: "FK_disclosure_packages_legal_orders_OrderId",
                        column: x => x.OrderId,
                        principalTable: "legal_orders",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "user_notices",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    OrderId = table.Column<long>(type: "INTEGER", nullable: false),
                    PackageId = table.Column<long>(type: "INTEGER", nullable: false),
                    PlatformId = table.Column<long>(type: "INTEGER", nullable: false),
                    AccountId = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    NotBefore = table.Column<long>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    SentAt = table.Column<long>(type: "INTEGER", nullable: true),
                    OutboxMessageId = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_user_notices", x => x.Id);
                    table.ForeignKey(
                        name: "FK_user_notices_disclosure_packages_PackageId",
                        column: x => x.PackageId,
                        principalTable: "disclosure_packages",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_disclosure_packages_AuthorityId_CreatedAt",
                table: "disclosure_packages",
                columns: new[] { "AuthorityId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_disclosure_packages_OrderId",
                table: "disclosure_packages",
                column: "OrderId");

            migrationBuilder.CreateIndex(
                name: "IX_user_notices_OrderId_PlatformId_AccountId",
                table: "user_notices",
                columns: new[] { "OrderId", "PlatformId", "AccountId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_user_notices_PackageId",
                table: "user_notices",
                column: "PackageId");

            migrationBuilder.CreateIndex(
                name: "IX_user_notices_SentAt_NotBefore",
                table: "user_notices",
                columns: new[] { "SentAt", "NotBefore" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "user_notices");

            migrationBuilder.DropTable(
                name: "disclosure_packages");
        }
    }
}
