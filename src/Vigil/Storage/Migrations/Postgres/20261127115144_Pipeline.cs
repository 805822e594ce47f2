using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Vigil.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Pipeline : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "decisions",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    IngestItemId = table.Column<long>(type: "bigint", nullable: false),
                    PlatformId = table.Column<long>(type: "bigint", nullable: false),
                    DecidedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    RulesVersion = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    FiredRules = table.Column<string>(type: "text", nullable: false),
                    EnforcedActions = table.Column<string>(type: "text", nullable: false),
                    ShadowActions = table.Column<string>(type: "text", nullable: false),
                    Signals = table.Column<string>(type: "text", nullable: false),
                    Notes = table.Column<string>(type: "text", nullable: true),
                    LatencyMs = table.Column<double>(type: "double precision", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_decisions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_decisions_ingest_items_IngestItemId",
                        column: x => x.IngestItemId,
                        principalTable: "ingest_items",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_decisions_platforms_PlatformId",
                        column: x => x.PlatformId,
                        principalTable: "platforms",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "platform_accounts",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    PlatformId = table.Column<long>(type: "bigint", nullable: false),
                    AccountId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Strikes = table.Column<int>(type: "integer", nullable: false),
                    SuspendedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    Country = table.Column<string>(type: "character varying(2)", maxLength: 2, nullable: true),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_platform_accounts", x => x.Id);
                    table.ForeignKey(
                        name: "FK_platform_accounts_platforms_PlatformId",
                        column: x => x.PlatformId,
                        principalTable: "platforms",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "preservations",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    PlatformId = table.Column<long>(type: "bigint", nullable: false),
                    IngestItemId = table.Column<long>(type: "bigint", nullable: false),
                    Reason = table.Column<string>(type: "text", nullable: false),
                    RuleId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    PreservedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ExpiresAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_preservations", x => x.Id);
                    table.ForeignKey(
                        name: "FK_preservations_ingest_items_IngestItemId",
                        column: x => x.IngestItemId,
                        principalTable: "ingest_items",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "referrals",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    PlatformId = table.Column<long>(type: "bigint", nullable: false),
                    IngestItemId = table.Column<long>(type: "bigint", nullable: false),
                    AuthorityCountry = table.Column<string>(type: "character varying(2)", maxLength: 2, nullable: true),
                    Reason = table.Column<string>(type: "text", nullable: false),
                    RuleId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    State = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_referrals", x => x.Id);
                    table.ForeignKey(
                        name: "FK_referrals_ingest_items_IngestItemId",
                        column: x => x.IngestItemId,
                        principalTable: "ingest_items",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "user_reports",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    PlatformId = table.Column<long>(type: "bigint", nullable: false),
                    ReportId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    IngestItemId = table.Column<long>(type: "bigint", nullable: false),
                    ReporterAccountId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    Reason = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    ReceivedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_user_reports", x => x.Id);
                    table.ForeignKey(
                        name: "FK_user_reports_ingest_items_IngestItemId",
                        column: x => x.IngestItemId,
                        principalTable: "ingest_items",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_user_reports_platforms_PlatformId",
                        column: x => x.PlatformId,
                        principalTable: "platforms",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "content_actions",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    PlatformId = table.Column<long>(type: "bigint", nullable: false),
                    IngestItemId = table.Column<long>(type: "bigint", nullable: false),
                    Kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    RuleId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    Reason = table.Column<string>(type: "text", nullable: false),
                    Source = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    DecisionId = table.Column<long>(type: "bigint", nullable: true),
                    At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_content_actions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_content_actions_decisions_DecisionId",
                        column: x => x.DecisionId,
                        principalTable: "decisions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_content_actions_ingest_items_IngestItemId",
                        column: x => x.IngestItemId,
                        principalTable: "ingest_items",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_content_actions_DecisionId",
                table: "content_actions",
                column: "DecisionId");

            migrationBuilder.CreateIndex(
                name: "IX_content_actions_IngestItemId",
                table: "content_actions",
                column: "IngestItemId");

            migrationBuilder.CreateIndex(
                name: "IX_decisions_IngestItemId",
                table: "decisions",
                column: "IngestItemId");

            migrationBuilder.CreateIndex(
                name: "IX_decisions_PlatformId_DecidedAt",
                table: "decisions",
                columns: new[] { "PlatformId", "DecidedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_platform_accounts_PlatformId_AccountId",
                table: "platform_accounts",
                columns: new[] { "PlatformId", "AccountId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_preservations_ExpiresAt",
                table: "preservations",
                column: "ExpiresAt");

            migrationBuilder.CreateIndex(
                name: "IX_preservations_IngestItemId",
                table: "preservations",
                column: "IngestItemId");

            migrationBuilder.CreateIndex(
                name: "IX_referrals_IngestItemId",
                table: "referrals",
                column: "IngestItemId");

            migrationBuilder.CreateIndex(
                name: "IX_referrals_State_CreatedAt",
                table: "referrals",
                columns: new[] { "State", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_user_reports_IngestItemId",
                table: "user_reports",
                column: "IngestItemId");

            migrationBuilder.CreateIndex(
                name: "IX_user_reports_PlatformId_ReportId",
                table: "user_reports",
                columns: new[] { "PlatformId", "ReportId" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "content_actions");

            migrationBuilder.DropTable(
                name: "platform_accounts");

            migrationBuilder.DropTable(
                name: "preservations");

            migrationBuilder.DropTable(
                name: "referrals");

            migrationBuilder.DropTable(
                name: "user_reports");

            migrationBuilder.DropTable(
                name: "decisions");
        }
    }
}
