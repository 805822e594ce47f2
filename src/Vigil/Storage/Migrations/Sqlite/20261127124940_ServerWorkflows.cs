using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Vigil.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ServerWorkflows : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ExcludedReviewer",
                table: "review_cases",
                type: "TEXT",
                maxLength: 450,
                nullable: true);

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

            migrationBuilder.CreateTable(
                name: "appeals",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    PlatformId = table.Column<long>(type: "INTEGER", nullable: false),
                    AppealId = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    IngestItemId = table.Column<long>(type: "INTEGER", nullable: false),
                    AccountId = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Text = table.Column<string>(type: "TEXT", maxLength: 5000, nullable: false),
                    OriginalDecisionId = table.Column<long>(type: "INTEGER", nullable: false),
                    CaseId = table.Column<long>(type: "INTEGER", nullable: false),
                    FiledAt = table.Column<long>(type: "INTEGER", nullable: false),
                    FiledBy = table.Column<string>(type: "TEXT", maxLength: 450, nullable: false)
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
                name: "decisions",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    IngestItemId = table.Column<long>(type: "INTEGER", nullable: false),
                    PlatformId = table.Column<long>(type: "INTEGER", nullable: false),
                    DecidedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    RulesVersion = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    FiredRules = table.Column<string>(type: "TEXT", nullable: false),
                    EnforcedActions = table.Column<string>(type: "TEXT", nullable: false),
                    ShadowActions = table.Column<string>(type: "TEXT", nullable: false),
                    Signals = table.Column<string>(type: "TEXT", nullable: false),
                    Notes = table.Column<string>(type: "TEXT", nullable: true),
                    LatencyMs = table.Column<double>(type: "REAL", nullable: false)
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
                name: "image_reveals",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    CaseId = table.Column<long>(type: "INTEGER", nullable: false),
                    IngestItemId = table.Column<long>(type: "INTEGER", nullable: false),
                    StaffUser = table.Column<string>(type: "TEXT", maxLength: 450, nullable: false),
                    RevealedAt = table.Column<long>(type: "INTEGER", nullable: false)
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

            migrationBuilder.CreateTable(
                name: "moderation_decisions",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    CaseId = table.Column<long>(type: "INTEGER", nullable: false),
                    CaseKind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    PlatformId = table.Column<long>(type: "INTEGER", nullable: false),
                    IngestItemId = table.Column<long>(type: "INTEGER", nullable: false),
                    ItemId = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    AccountId = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    PolicyId = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Outcome = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    DecidedBy = table.Column<string>(type: "TEXT", maxLength: 450, nullable: false),
                    DecidedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Facts = table.Column<string>(type: "TEXT", maxLength: 5000, nullable: false),
                    AutomatedDetection = table.Column<bool>(type: "INTEGER", nullable: false),
                    AutomatedDecision = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    TerritorialScope = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    ContentType = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    ContentDate = table.Column<long>(type: "INTEGER", nullable: false),
                    Ground = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    GroundReference = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    Category = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    ParentDecisionId = table.Column<long>(type: "INTEGER", nullable: true),
                    Agrees = table.Column<bool>(type: "INTEGER", nullable: true)
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

            migrationBuilder.CreateTable(
                name: "platform_accounts",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    PlatformId = table.Column<long>(type: "INTEGER", nullable: false),
                    AccountId = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Strikes = table.Column<int>(type: "INTEGER", nullable: false),
                    SuspendedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    Country = table.Column<string>(type: "TEXT", maxLength: 2, nullable: true),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
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
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    PlatformId = table.Column<long>(type: "INTEGER", nullable: false),
                    IngestItemId = table.Column<long>(type: "INTEGER", nullable: false),
                    Reason = table.Column<string>(type: "TEXT", nullable: false),
                    RuleId = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    PreservedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ExpiresAt = table.Column<long>(type: "INTEGER", nullable: false)
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
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    PlatformId = table.Column<long>(type: "INTEGER", nullable: false),
                    IngestItemId = table.Column<long>(type: "INTEGER", nullable: false),
                    AuthorityCountry = table.Column<string>(type: "TEXT", maxLength: 2, nullable: true),
                    Reason = table.Column<string>(type: "TEXT", nullable: false),
                    RuleId = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    State = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
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
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    PlatformId = table.Column<long>(type: "INTEGER", nullable: false),
                    ReportId = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    IngestItemId = table.Column<long>(type: "INTEGER", nullable: false),
                    ReporterAccountId = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    ReceivedAt = table.Column<long>(type: "INTEGER", nullable: false)
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
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    PlatformId = table.Column<long>(type: "INTEGER", nullable: false),
                    IngestItemId = table.Column<long>(type: "INTEGER", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    RuleId = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    Reason = table.Column<string>(type: "TEXT", nullable: false),
                    Source = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    DecisionId = table.Column<long>(type: "INTEGER", nullable: true),
                    At = table.Column<long>(type: "INTEGER", nullable: false)
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
                name: "IX_image_reveals_CaseId_StaffUser",
                table: "image_reveals",
                columns: new[] { "CaseId", "StaffUser" });

            migrationBuilder.CreateIndex(
                name: "IX_image_reveals_StaffUser_IngestItemId",
                table: "image_reveals",
                columns: new[] { "StaffUser", "IngestItemId" });

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
                name: "appeals");

            migrationBuilder.DropTable(
                name: "content_actions");

            migrationBuilder.DropTable(
                name: "image_reveals");

            migrationBuilder.DropTable(
                name: "metrics_tokens");

            migrationBuilder.DropTable(
                name: "moderation_decisions");

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

            migrationBuilder.DropColumn(
                name: "ExcludedReviewer",
                table: "review_cases");

            migrationBuilder.DropColumn(
                name: "Burst",
                table: "platforms");

            migrationBuilder.DropColumn(
                name: "MaxBodyBytes",
                table: "platforms");

            migrationBuilder.DropColumn(
                name: "RequestsPerSecond",
                table: "platforms");

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
