using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Vigil.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class LegalDesk : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "order_alerts",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    OrderId = table.Column<long>(type: "INTEGER", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    DueAt = table.Column<long>(type: "INTEGER", nullable: false),
                    RaisedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_order_alerts", x => x.Id);
                    table.ForeignKey(
                        name: "FK_order_alerts_legal_orders_OrderId",
                        column: x => x.OrderId,
                        principalTable: "legal_orders",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "order_approvals",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    OrderId = table.Column<long>(type: "INTEGER", nullable: false),
                    Officer = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    At = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_order_approvals", x => x.Id);
                    table.ForeignKey(
                        name: "FK_order_approvals_legal_orders_OrderId",
                        column: x => x.OrderId,
                        principalTable: "legal_orders",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "order_messages",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    OrderId = table.Column<long>(type: "INTEGER", nullable: false),
                    FromAuthority = table.Column<bool>(type: "INTEGER", nullable: false),
                    Author = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    Text = table.Column<string>(type: "TEXT", maxLength: 8000, nullable: false),
                    At = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_order_messages", x => x.Id);
                    table.ForeignKey(
                        name: "FK_order_messages_legal_orders_OrderId",
                        column: x => x.OrderId,
                        principalTable: "legal_orders",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "order_removals",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    OrderId = table.Column<long>(type: "INTEGER", nullable: false),
                    TaskId = table.Column<long>(type: "INTEGER", nullable: false),
                    SelectorKind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    SelectorValue = table.Column<string>(type: "TEXT", maxLength: 2048, nullable: false),
                    IngestItemId = table.Column<long>(type: "INTEGER", nullable: true),
                    PlatformId = table.Column<long>(type: "INTEGER", nullable: true),
                    ItemId = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    Outcome = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    At = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_order_removals", x => x.Id);
                    table.ForeignKey(
                        name: "FK_order_removals_legal_orders_OrderId",
                        column: x => x.OrderId,
                        principalTable: "legal_orders",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "order_task_decisions",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    OrderId = table.Column<long>(type: "INTEGER", nullable: false),
                    TaskId = table.Column<long>(type: "INTEGER", nullable: false),
                    Decision = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Ground = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    Officer = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 4096, nullable: false),
                    At = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_order_task_decisions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_order_task_decisions_legal_orders_OrderId",
                        column: x => x.OrderId,
                        principalTable: "legal_orders",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_order_task_decisions_order_tasks_TaskId",
                        column: x => x.TaskId,
                        principalTable: "order_tasks",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_order_alerts_OrderId_Kind",
                table: "order_alerts",
                columns: new[] { "OrderId", "Kind" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_order_alerts_RaisedAt",
                table: "order_alerts",
                column: "RaisedAt");

            migrationBuilder.CreateIndex(
                name: "IX_order_approvals_OrderId_Officer",
                table: "order_approvals",
                columns: new[] { "OrderId", "Officer" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_order_messages_OrderId_At",
                table: "order_messages",
                columns: new[] { "OrderId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_order_removals_OrderId",
                table: "order_removals",
                column: "OrderId");

            migrationBuilder.CreateIndex(
                name: "IX_order_task_decisions_OrderId_At",
                table: "order_task_decisions",
                columns: new[] { "OrderId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_order_task_decisions_TaskId",
                table: "order_task_decisions",
                column: "TaskId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "order_alerts");

            migrationBuilder.DropTable(
                name: "order_approvals");

            migrationBuilder.DropTable(
                name: "order_messages");

            migrationBuilder.DropTable(
                name: "order_removals");

            migrationBuilder.DropTable(
                name: "order_task_decisions");
        }
    }
}
