using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Vigil.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class LawfulOrders : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "AuthorityId",
                table: "staff_users",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "authorities",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Code = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    CountryCode = table.Column<string>(type: "TEXT", maxLength: 2, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Instruments = table.Column<string>(type: "TEXT", nullable: false),
                    CallbackNumbers = table.Column<string>(type: "TEXT", nullable: false),
                    ReferralEndpoint = table.Column<string>(type: "TEXT", maxLength: 2048, nullable: true),
                    ReceivesReferrals = table.Column<bool>(type: "INTEGER", nullable: false),
                    EncryptionCertificatePem = table.Column<string>(type: "TEXT", nullable: true),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    DisabledAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_authorities", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "authority_keys",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    AuthorityId = table.Column<long>(type: "INTEGER", nullable: false),
                    KeyId = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 24, nullable: false),
                    Algorithm = table.Column<string>(type: "TEXT", maxLength: 16, nullable: true),
                    Pem = table.Column<string>(type: "TEXT", nullable: false),
                    NotBefore = table.Column<long>(type: "INTEGER", nullable: false),
                    NotAfter = table.Column<long>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    RevokedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    RevocationReason = table.Column<string>(type: "TEXT", maxLength: 512, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_authority_keys", x => x.Id);
                    table.ForeignKey(
                        name: "FK_authority_keys_authorities_AuthorityId",
                        column: x => x.AuthorityId,
                        principalTable: "authorities",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "legal_orders",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    AuthorityId = table.Column<long>(type: "INTEGER", nullable: false),
                    Instrument = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Reference = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    Hi1ObjectId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    Hi1TransactionId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    Channel = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    State = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Emergency = table.Column<bool>(type: "INTEGER", nullable: false),
                    SubmittedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    ReceivedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    DueAt = table.Column<long>(type: "INTEGER", nullable: true),
                    PausedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    AuthorisedFrom = table.Column<long>(type: "INTEGER", nullable: true),
                    AuthorisedTo = table.Column<long>(type: "INTEGER", nullable: true),
                    RejectionGround = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    NotUsPersonAttested = table.Column<bool>(type: "INTEGER", nullable: false),
                    EnforcingAuthority = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    UserNoticeNotBefore = table.Column<long>(type: "INTEGER", nullable: true),
                    CallbackRecordedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    CallbackRecordedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    CallbackNumber = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    CallbackConfirmedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    CallbackConfirmedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_legal_orders", x => x.Id);
                    table.ForeignKey(
                        name: "FK_legal_orders_authorities_AuthorityId",
                        column: x => x.AuthorityId,
                        principalTable: "authorities",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "order_documents",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    OrderId = table.Column<long>(type: "INTEGER", nullable: false),
                    Hi1ObjectId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    Reference = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    DocumentType = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ContentType = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    Content = table.Column<byte[]>(type: "BLOB", nullable: false),
                    Sha256 = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ReceivedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_order_documents", x => x.Id);
                    table.ForeignKey(
                        name: "FK_order_documents_legal_orders_OrderId",
                        column: x => x.OrderId,
                        principalTable: "legal_orders",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "order_tasks",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    OrderId = table.Column<long>(type: "INTEGER", nullable: false),
                    Hi1ObjectId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    Reference = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Category = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    StartTime = table.Column<long>(type: "INTEGER", nullable: true),
                    EndTime = table.Column<long>(type: "INTEGER", nullable: true),
                    Decision = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_order_tasks", x => x.Id);
                    table.ForeignKey(
                        name: "FK_order_tasks_legal_orders_OrderId",
                        column: x => x.OrderId,
                        principalTable: "legal_orders",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "order_transitions",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    OrderId = table.Column<long>(type: "INTEGER", nullable: false),
                    From = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    To = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Actor = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 4096, nullable: false),
                    At = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_order_transitions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_order_transitions_legal_orders_OrderId",
                        column: x => x.OrderId,
                        principalTable: "legal_orders",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "preservation_holds",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    AuthorityId = table.Column<long>(type: "INTEGER", nullable: false),
                    OrderId = table.Column<long>(type: "INTEGER", nullable: true),
                    SelectorKind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    SelectorValue = table.Column<string>(type: "TEXT", maxLength: 2048, nullable: false),
                    Port = table.Column<int>(type: "INTEGER", nullable: true),
                    Category = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    DataFrom = table.Column<long>(type: "INTEGER", nullable: true),
                    DataTo = table.Column<long>(type: "INTEGER", nullable: true),
                    HeldAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ExpiresAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Extensions = table.Column<int>(type: "INTEGER", nullable: false),
                    ReleasedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    ReleasedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_preservation_holds", x => x.Id);
                    table.ForeignKey(
                        name: "FK_preservation_holds_authorities_AuthorityId",
                        column: x => x.AuthorityId,
                        principalTable: "authorities",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_preservation_holds_legal_orders_OrderId",
                        column: x => x.OrderId,
                        principalTable: "legal_orders",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "order_selectors",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    TaskId = table.Column<long>(type: "INTEGER", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Value = table.Column<string>(type: "TEXT", maxLength: 2048, nullable: false),
                    Port = table.Column<int>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_order_selectors", x => x.Id);
                    table.ForeignKey(
                        name: "FK_order_selectors_order_tasks_TaskId",
                        column: x => x.TaskId,
                        principalTable: "order_tasks",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_authorities_Code",
                table: "authorities",
                column: "Code",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_authorities_CountryCode",
                table: "authorities",
                column: "CountryCode");

            migrationBuilder.CreateIndex(
                name: "IX_authority_keys_AuthorityId",
                table: "authority_keys",
                column: "AuthorityId");

            migrationBuilder.CreateIndex(
                name: "IX_authority_keys_KeyId",
                table: "authority_keys",
                column: "KeyId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_legal_orders_AuthorityId_Hi1ObjectId",
                table: "legal_orders",
                columns: new[] { "AuthorityId", "Hi1ObjectId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_legal_orders_ReceivedAt",
                table: "legal_orders",
                column: "ReceivedAt");

            migrationBuilder.CreateIndex(
                name: "IX_legal_orders_State_DueAt",
                table: "legal_orders",
                columns: new[] { "State", "DueAt" });

            migrationBuilder.CreateIndex(
                name: "IX_order_documents_OrderId",
                table: "order_documents",
                column: "OrderId");

            migrationBuilder.CreateIndex(
                name: "IX_order_selectors_Kind_Value",
                table: "order_selectors",
                columns: new[] { "Kind", "Value" });

            migrationBuilder.CreateIndex(
                name: "IX_order_selectors_TaskId",
                table: "order_selectors",
                column: "TaskId");

            migrationBuilder.CreateIndex(
                name: "IX_order_tasks_OrderId",
                table: "order_tasks",
                column: "OrderId");

            migrationBuilder.CreateIndex(
                name: "IX_order_transitions_OrderId_At",
                table: "order_transitions",
                columns: new[] { "OrderId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_preservation_holds_AuthorityId",
                table: "preservation_holds",
                column: "AuthorityId");

            migrationBuilder.CreateIndex(
                name: "IX_preservation_holds_ExpiresAt",
                table: "preservation_holds",
                column: "ExpiresAt");

            migrationBuilder.CreateIndex(
                name: "IX_preservation_holds_OrderId",
                table: "preservation_holds",
                column: "OrderId");

            migrationBuilder.CreateIndex(
                name: "IX_preservation_holds_SelectorKind_SelectorValue",
                table: "preservation_holds",
                columns: new[] { "SelectorKind", "SelectorValue" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "authority_keys");

            migrationBuilder.DropTable(
                name: "order_documents");

            migrationBuilder.DropTable(
                name: "order_selectors");

            migrationBuilder.DropTable(
                name: "order_transitions");

            migrationBuilder.DropTable(
                name: "preservation_holds");

            migrationBuilder.DropTable(
                name: "order_tasks");

            migrationBuilder.DropTable(
                name: "legal_orders");

            migrationBuilder.DropTable(
                name: "authorities");

            migrationBuilder.DropColumn(
                name: "AuthorityId",
                table: "staff_users");
        }
    }
}
