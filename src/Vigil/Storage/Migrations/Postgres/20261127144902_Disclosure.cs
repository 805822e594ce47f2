using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Vigil.Storage.Migrations.Postgres
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
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    OrderId = table.Column<long>(type: "bigint", nullable: false),
                    AuthorityId = table.Column<long>(type: "bigint", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    CreatedBy = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    SizeBytes = table.Column<long>(type: "bigint", nullable: false),
                    Sha256 = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    ManifestSha256 = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Content = table.Column<byte[]>(type: "bytea", nullable: true),
                    RecordCount = table.Column<int>(type: "integer", nullable: false),
                    ExpiresAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    DownloadedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    DownloadedBy = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true)
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
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    OrderId = table.Column<long>(type: "bigint", nullable: false),
                    PackageId = table.Column<long>(type: "bigint", nullable: false),
                    PlatformId = table.Column<long>(type: "bigint", nullable: false),
                    AccountId = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    NotBefore = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    SentAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    OutboxMessageId = table.Column<long>(type: "bigint", nullable: true)
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
