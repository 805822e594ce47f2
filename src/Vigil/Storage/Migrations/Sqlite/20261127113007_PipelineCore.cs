using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Vigil.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class PipelineCore : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "ProcessedAt",
                table: "ingest_items",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "outbox_messages",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    PlatformId = table.Column<long>(type: "INTEGER", nullable: false),
                    EventType = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Payload = table.Column<string>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    State = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    NextAttemptAt = table.Column<long>(type: "INTEGER", nullable: false),
                    DeliveredAt = table.Column<long>(type: "INTEGER", nullable: true),
                    LastStatusCode = table.Column<int>(type: "INTEGER", nullable: true),
                    LastError = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_outbox_messages", x => x.Id);
                    table.ForeignKey(
                        name: "FK_outbox_messages_platforms_PlatformId",
                        column: x => x.PlatformId,
                        principalTable: "platforms",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "review_cases",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    PlatformId = table.Column<long>(type: "INTEGER", nullable: false),
                    IngestItemId = table.Column<long>(type: "INTEGER", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    State = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Queue = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Priority = table.Column<double>(type: "REAL", nullable: false),
                    RuleId = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    Reason = table.Column<string>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    AssignedTo = table.Column<string>(type: "TEXT", maxLength: 450, nullable: true),
                    AssignedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    DecidedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    DueAt = table.Column<long>(type: "INTEGER", nullable: true),
                    ParentCaseId = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_review_cases", x => x.Id);
                    table.ForeignKey(
                        name: "FK_review_cases_ingest_items_IngestItemId",
                        column: x => x.IngestItemId,
                        principalTable: "ingest_items",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_review_cases_review_cases_ParentCaseId",
                        column: x => x.ParentCaseId,
                        principalTable: "review_cases",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ingest_items_ProcessedAt_Id",
                table: "ingest_items",
                columns: new[] { "ProcessedAt", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_outbox_messages_PlatformId_CreatedAt",
                table: "outbox_messages",
                columns: new[] { "PlatformId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_outbox_messages_State_NextAttemptAt",
                table: "outbox_messages",
                columns: new[] { "State", "NextAttemptAt" });

            migrationBuilder.CreateIndex(
                name: "IX_review_cases_IngestItemId",
                table: "review_cases",
                column: "IngestItemId");

            migrationBuilder.CreateIndex(
                name: "IX_review_cases_ParentCaseId",
                table: "review_cases",
                column: "ParentCaseId");

            migrationBuilder.CreateIndex(
                name: "IX_review_cases_State_Queue_Priority_CreatedAt",
                table: "review_cases",
                columns: new[] { "State", "Queue", "Priority", "CreatedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "outbox_messages");

            migrationBuilder.DropTable(
                name: "review_cases");

            migrationBuilder.DropIndex(
                name: "IX_ingest_items_ProcessedAt_Id",
                table: "ingest_items");

            migrationBuilder.DropColumn(
                name: "ProcessedAt",
                table: "ingest_items");
        }
    }
}
