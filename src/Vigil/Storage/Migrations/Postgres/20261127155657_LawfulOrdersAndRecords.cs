using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Vigil.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class LawfulOrdersAndRecords : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "AuthorityId",
                table: "staff_users",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "AcknowledgedAt",
                table: "referrals",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "Attempts",
                table: "referrals",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<long>(
                name: "AuthorityId",
                table: "referrals",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ChosenBy",
                table: "referrals",
                type: "character varying(1000)",
                maxLength: 1000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "CreatedBy",
                table: "referrals",
                type: "character varying(256)",
                maxLength: 256,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "DeliveredAt",
                table: "referrals",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "Encrypted",
                table: "referrals",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<double>(
                name: "EndToEndMs",
                table: "referrals",
                type: "double precision",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "ItemReceivedAt",
                table: "referrals",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "LastError",
                table: "referrals",
                type: "character varying(2000)",
                maxLength: 2000,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "NextAttemptAt",
                table: "referrals",
                type: "timestamp with time zone",
                nullable: false,
                defaultValue: new DateTimeOffset(new DateTime(1, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)));

            migrationBuilder.AddColumn<byte[]>(
                name: "Package",
                table: "referrals",
                type: "bytea",
                nullable: true);

            migrationBuilder.AddColumn<byte[]>(
                name: "PackageSha256",
                table: "referrals",
                type: "bytea",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ReceiptId",
                table: "referrals",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "access_logs",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    PlatformId = table.Column<long>(type: "bigint", nullable: false),
                    AccountId = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    IpAddress = table.Column<string>(type: "character varying(45)", maxLength: 45, nullable: false),
                    SourcePort = table.Column<int>(type: "integer", nullable: true),
                    DeviceId = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    RecordedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_access_logs", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "authorities",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Code = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    CountryCode = table.Column<string>(type: "character varying(2)", maxLength: 2, nullable: false),
                    Name = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    Kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Instruments = table.Column<string[]>(type: "text[]", nullable: false),
                    CallbackNumbers = table.Column<List<string>>(type: "text[]", nullable: false),
                    ReferralEndpoint = table.Column<string>(type: "character varying(2048)", maxLength: 2048, nullable: true),
                    ReceivesReferrals = table.Column<bool>(type: "boolean", nullable: false),
                    EncryptionCertificatePem = table.Column<string>(type: "text", nullable: true),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    DisabledAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_authorities", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "hi1_nonces",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    KeyId = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    Nonce = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    ExpiresAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_hi1_nonces", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "media_hashes",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    PlatformId = table.Column<long>(type: "bigint", nullable: false),
                    ItemId = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    AccountId = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Algorithm = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Hash = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    RecordedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_media_hashes", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "message_metadata",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    PlatformId = table.Column<long>(type: "bigint", nullable: false),
                    MessageId = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    SenderAccountId = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    RecipientAccountIds = table.Column<List<string>>(type: "text[]", nullable: false),
                    At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    SizeBytes = table.Column<long>(type: "bigint", nullable: false),
                    E2ee = table.Column<bool>(type: "boolean", nullable: false),
                    RecordedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_message_metadata", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "message_participants",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    PlatformId = table.Column<long>(type: "bigint", nullable: false),
                    MessageRecordId = table.Column<long>(type: "bigint", nullable: false),
                    AccountId = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    IsSender = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_message_participants", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "stored_content",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    PlatformId = table.Column<long>(type: "bigint", nullable: false),
                    ItemId = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    AccountId = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ContentType = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    Text = table.Column<string>(type: "text", nullable: true),
                    Body = table.Column<byte[]>(type: "bytea", nullable: true),
                    RecordedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_stored_content", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "subscriber_records",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    PlatformId = table.Column<long>(type: "bigint", nullable: false),
                    AccountId = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    Username = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    NamesGiven = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: true),
                    Email = table.Column<string>(type: "character varying(320)", maxLength: 320, nullable: true),
                    Phone = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    AccountCreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Country = table.Column<string>(type: "character varying(2)", maxLength: 2, nullable: true),
                    UsPerson = table.Column<bool>(type: "boolean", nullable: false),
                    RecordedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
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

            migrationBuilder.CreateTable(
                name: "authority_keys",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    AuthorityId = table.Column<long>(type: "bigint", nullable: false),
                    KeyId = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    Kind = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: false),
                    Algorithm = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    Pem = table.Column<string>(type: "text", nullable: false),
                    NotBefore = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    NotAfter = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    RevokedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    RevocationReason = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: true)
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
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    AuthorityId = table.Column<long>(type: "bigint", nullable: false),
                    Instrument = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    Reference = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    Hi1ObjectId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    Hi1TransactionId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    Channel = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    State = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Emergency = table.Column<bool>(type: "boolean", nullable: false),
                    SubmittedBy = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    ReceivedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    DueAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    PausedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    AuthorisedFrom = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    AuthorisedTo = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    RejectionGround = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    NotUsPersonAttested = table.Column<bool>(type: "boolean", nullable: false),
                    EnforcingAuthority = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    UserNoticeNotBefore = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    CallbackRecordedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    CallbackRecordedBy = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    CallbackNumber = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    CallbackConfirmedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    CallbackConfirmedBy = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
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
                name: "order_documents",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    OrderId = table.Column<long>(type: "bigint", nullable: false),
                    Hi1ObjectId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    Reference = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    DocumentType = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    ContentType = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    Content = table.Column<byte[]>(type: "bytea", nullable: false),
                    Sha256 = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    ReceivedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
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
                name: "order_tasks",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    OrderId = table.Column<long>(type: "bigint", nullable: false),
                    Hi1ObjectId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    Reference = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    Kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Category = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    StartTime = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    EndTime = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    Decision = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false)
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
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    OrderId = table.Column<long>(type: "bigint", nullable: false),
                    From = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    To = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Actor = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    Reason = table.Column<string>(type: "character varying(4096)", maxLength: 4096, nullable: false),
                    At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
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
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    AuthorityId = table.Column<long>(type: "bigint", nullable: false),
                    OrderId = table.Column<long>(type: "bigint", nullable: true),
                    SelectorKind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    SelectorValue = table.Column<string>(type: "character varying(2048)", maxLength: 2048, nullable: false),
                    Port = table.Column<int>(type: "integer", nullable: true),
                    Category = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    DataFrom = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    DataTo = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    HeldAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ExpiresAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Extensions = table.Column<int>(type: "integer", nullable: false),
                    ReleasedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    ReleasedBy = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true)
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

            migrationBuilder.CreateTable(
                name: "order_selectors",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    TaskId = table.Column<long>(type: "bigint", nullable: false),
                    Kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Value = table.Column<string>(type: "character varying(2048)", maxLength: 2048, nullable: false),
                    Port = table.Column<int>(type: "integer", nullable: true)
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
                name: "IX_referrals_AuthorityId_CreatedAt",
                table: "referrals",
                columns: new[] { "AuthorityId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_referrals_State_NextAttemptAt",
                table: "referrals",
                columns: new[] { "State", "NextAttemptAt" });

            migrationBuilder.CreateIndex(
                name: "IX_access_logs_AccountId_At_IpAddress_PlatformId",
                table: "access_logs",
                columns: new[] { "AccountId", "At", "IpAddress", "PlatformId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_access_logs_At",
                table: "access_logs",
                column: "At");

            migrationBuilder.CreateIndex(
                name: "IX_access_logs_IpAddress_At",
                table: "access_logs",
                columns: new[] { "IpAddress", "At" });

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
                name: "IX_disclosure_packages_AuthorityId_CreatedAt",
                table: "disclosure_packages",
                columns: new[] { "AuthorityId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_disclosure_packages_OrderId",
                table: "disclosure_packages",
                column: "OrderId");

            migrationBuilder.CreateIndex(
                name: "IX_hi1_nonces_ExpiresAt",
                table: "hi1_nonces",
                column: "ExpiresAt");

            migrationBuilder.CreateIndex(
                name: "IX_hi1_nonces_KeyId_Nonce",
                table: "hi1_nonces",
                columns: new[] { "KeyId", "Nonce" },
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
                name: "IX_message_participants_AccountId_At_MessageRecordId_IsSender",
                table: "message_participants",
                columns: new[] { "AccountId", "At", "MessageRecordId", "IsSender" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_message_participants_At",
                table: "message_participants",
                column: "At");

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
                name: "IX_order_documents_OrderId",
                table: "order_documents",
                column: "OrderId");

            migrationBuilder.CreateIndex(
                name: "IX_order_messages_OrderId_At",
                table: "order_messages",
                columns: new[] { "OrderId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_order_removals_OrderId",
                table: "order_removals",
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
                name: "IX_order_task_decisions_OrderId_At",
                table: "order_task_decisions",
                columns: new[] { "OrderId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_order_task_decisions_TaskId",
                table: "order_task_decisions",
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

            migrationBuilder.AddForeignKey(
                name: "FK_referrals_authorities_AuthorityId",
                table: "referrals",
                column: "AuthorityId",
                principalTable: "authorities",
                principalColumn: "Id",
                onDelete: ReferentialAction.Restrict);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_referrals_authorities_AuthorityId",
                table: "referrals");

            migrationBuilder.DropTable(
                name: "access_logs");

            migrationBuilder.DropTable(
                name: "authority_keys");

            migrationBuilder.DropTable(
                name: "hi1_nonces");

            migrationBuilder.DropTable(
                name: "media_hashes");

            migrationBuilder.DropTable(
                name: "message_metadata");

            migrationBuilder.DropTable(
                name: "message_participants");

            migrationBuilder.DropTable(
                name: "order_alerts");

            migrationBuilder.DropTable(
                name: "order_approvals");

            migrationBuilder.DropTable(
                name: "order_documents");

            migrationBuilder.DropTable(
                name: "order_messages");

            migrationBuilder.DropTable(
                name: "order_removals");

            migrationBuilder.DropTable(
                name: "order_selectors");

            migrationBuilder.DropTable(
                name: "order_task_decisions");

            migrationBuilder.DropTable(
                name: "order_transitions");

            migrationBuilder.DropTable(
                name: "preservation_holds");

            migrationBuilder.DropTable(
                name: "stored_content");

            migrationBuilder.DropTable(
                name: "subscriber_records");

            migrationBuilder.DropTable(
                name: "user_notices");

            migrationBuilder.DropTable(
                name: "order_tasks");

            migrationBuilder.DropTable(
                name: "disclosure_packages");

            migrationBuilder.DropTable(
                name: "legal_orders");

            migrationBuilder.DropTable(
                name: "authorities");

            migrationBuilder.DropIndex(
                name: "IX_referrals_AuthorityId_CreatedAt",
                table: "referrals");

            migrationBuilder.DropIndex(
                name: "IX_referrals_State_NextAttemptAt",
                table: "referrals");

            migrationBuilder.DropColumn(
                name: "AuthorityId",
                table: "staff_users");

            migrationBuilder.DropColumn(
                name: "AcknowledgedAt",
                table: "referrals");

            migrationBuilder.DropColumn(
                name: "Attempts",
                table: "referrals");

            migrationBuilder.DropColumn(
                name: "AuthorityId",
                table: "referrals");

            migrationBuilder.DropColumn(
                name: "ChosenBy",
                table: "referrals");

            migrationBuilder.DropColumn(
                name: "CreatedBy",
                table: "referrals");

            migrationBuilder.DropColumn(
                name: "DeliveredAt",
                table: "referrals");

            migrationBuilder.DropColumn(
                name: "Encrypted",
                table: "referrals");

            migrationBuilder.DropColumn(
                name: "EndToEndMs",
                table: "referrals");

            migrationBuilder.DropColumn(
                name: "ItemReceivedAt",
                table: "referrals");

            migrationBuilder.DropColumn(
                name: "LastError",
                table: "referrals");

            migrationBuilder.DropColumn(
                name: "NextAttemptAt",
                table: "referrals");

            migrationBuilder.DropColumn(
                name: "Package",
                table: "referrals");

            migrationBuilder.DropColumn(
                name: "PackageSha256",
                table: "referrals");

            migrationBuilder.DropColumn(
                name: "ReceiptId",
                table: "referrals");
        }
    }
}
