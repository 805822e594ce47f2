using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Vigil.Storage.Migrations.Postgres
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
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    OrderId = table.Column<long>(type: "bigint", nullable: false),
                    Kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    DueAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    RaisedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
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
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    OrderId = table.Column<long>(type: "bigint", nullable: false),
                    Officer = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
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
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    OrderId = table.Column<long>(type: "bigint", nullable: false),
                    FromAuthority = table.Column<bool>(type: "boolean", nullable: false),
                    Author = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    Text = table.Column<string>(type: "character varying(8000)", maxLength: 8000, nullable: false),
                    At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
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
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    OrderId = table.Column<long>(type: "bigint", nullable: false),
                    TaskId = table.Column<long>(type: "bigint", nullable: false),
                    SelectorKind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    SelectorValue = table.Column<string>(type: "character varying(2048)", maxLength: 2048, nullable: false),
                    IngestItemId = table.Column<long>(type: "bigint", nullable: true),
                    PlatformId = table.Column<long>(type: "bigint", nullable: true),
                    ItemId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    Outcome = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
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
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    OrderId = table.Column<long>(type: "bigint", nullable: false),
                    TaskId = table.Column<long>(type: "bigint", nullable: false),
                    Decision = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Ground = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    Officer = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    Reason = table.Column<string>(type: "character varying(4096)", maxLength: 4096, nullable: false),
                    At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
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
