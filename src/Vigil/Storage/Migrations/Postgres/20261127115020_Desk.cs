using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Vigil.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Desk : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ExcludedReviewer",
                table: "review_cases",
                type: "character varying(450)",
                maxLength: 450,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "appeals",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    PlatformId = table.Column<long>(type: "bigint", nullable: false),
                    AppealId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    IngestItemId = table.Column<long>(type: "bigint", nullable: false),
                    AccountId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Text = table.Column<string>(type: "character varying(5000)", maxLength: 5000, nullable: false),
                    OriginalDecisionId = table.Column<long>(type: "bigint", nullable: false),
                    CaseId = table.Column<long>(type: "bigint", nullable: false),
                    FiledAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    FiledBy = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_appeals", x => x.Id);
                    table.ForeignKey(
                        name: "FK_appeals_review_cases_CaseId",
                        column: x => x.CaseId,
                        principalTable: "review_cases",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "image_reveals",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    CaseId = table.Column<long>(type: "bigint", nullable: false),
                    IngestItemId = table.Column<long>(type: "bigint", nullable: false),
                    StaffUser = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: false),
                    RevealedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_image_reveals", x => x.Id);
                    table.ForeignKey(
                        name: "FK_image_reveals_review_cases_CaseId",
                        column: x => x.CaseId,
                        principalTable: "review_cases",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "moderation_decisions",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    CaseId = table.Column<long>(type: "bigint", nullable: false),
                    CaseKind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    PlatformId = table.Column<long>(type: "bigint", nullable: false),
                    IngestItemId = table.Column<long>(type: "bigint", nullable: false),
                    ItemId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    AccountId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    PolicyId = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Outcome = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    DecidedBy = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: false),
                    DecidedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Facts = table.Column<string>(type: "character varying(5000)", maxLength: 5000, nullable: false),
                    AutomatedDetection = table.Column<bool>(type: "boolean", nullable: false),
                    AutomatedDecision = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    TerritorialScope = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    ContentType = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    ContentDate = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Ground = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    GroundReference = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    Category = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    ParentDecisionId = table.Column<long>(type: "bigint", nullable: true),
                    Agrees = table.Column<bool>(type: "boolean", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_moderation_decisions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_moderation_decisions_ingest_items_IngestItemId",
                        column: x => x.IngestItemId,
                        principalTable: "ingest_items",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_moderation_decisions_review_cases_CaseId",
                        column: x => x.CaseId,
                        principalTable: "review_cases",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_appeals_CaseId",
                table: "appeals",
                column: "CaseId");

            migrationBuilder.CreateIndex(
                name: "IX_appeals_IngestItemId",
                table: "appeals",
                column: "IngestItemId");

            migrationBuilder.CreateIndex(
                name: "IX_appeals_PlatformId_AppealId",
                table: "appeals",
                columns: new[] { "PlatformId", "AppealId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_image_reveals_CaseId_StaffUser",
                table: "image_reveals",
                columns: new[] { "CaseId", "StaffUser" });

            migrationBuilder.CreateIndex(
                name: "IX_image_reveals_StaffUser_IngestItemId",
                table: "image_reveals",
                columns: new[] { "StaffUser", "IngestItemId" });

            migrationBuilder.CreateIndex(
                name: "IX_moderation_decisions_CaseId",
                table: "moderation_decisions",
                column: "CaseId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_moderation_decisions_DecidedAt",
                table: "moderation_decisions",
                column: "DecidedAt");

            migrationBuilder.CreateIndex(
                name: "IX_moderation_decisions_IngestItemId",
                table: "moderation_decisions",
                column: "IngestItemId");

            migrationBuilder.CreateIndex(
                name: "IX_moderation_decisions_PlatformId_AccountId",
                table: "moderation_decisions",
                columns: new[] { "PlatformId", "AccountId" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "appeals");

            migrationBuilder.DropTable(
                name: "image_reveals");

            migrationBuilder.DropTable(
                name: "moderation_decisions");

            migrationBuilder.DropColumn(
                name: "ExcludedReviewer",
                table: "review_cases");
        }
    }
}
