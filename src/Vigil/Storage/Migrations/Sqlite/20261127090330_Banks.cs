using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Vigil.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Banks : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "banks",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Description = table.Column<string>(type: "TEXT", nullable: true),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Enabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    PdqMaxDistance = table.Column<int>(type: "INTEGER", nullable: false),
                    PdqMinQuality = table.Column<int>(type: "INTEGER", nullable: false),
                    TextMinSimilarity = table.Column<double>(type: "REAL", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_banks", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "import_checkpoints",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    BankId = table.Column<long>(type: "INTEGER", nullable: false),
                    Source = table.Column<string>(type: "TEXT", nullable: false),
                    Format = table.Column<string>(type: "TEXT", nullable: false),
                    Cursor = table.Column<string>(type: "TEXT", nullable: true),
                    NewestRecord = table.Column<long>(type: "INTEGER", nullable: true),
                    HasMore = table.Column<bool>(type: "INTEGER", nullable: false),
                    Imports = table.Column<int>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_import_checkpoints", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "bank_entries",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    BankId = table.Column<long>(type: "INTEGER", nullable: false),
                    SignalType = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Signal = table.Column<string>(type: "TEXT", maxLength: 4096, nullable: false),
                    Entity = table.Column<string>(type: "TEXT", nullable: true),
                    Ideology = table.Column<string>(type: "TEXT", nullable: true),
                    ContentType = table.Column<string>(type: "TEXT", nullable: true),
                    Severity = table.Column<int>(type: "INTEGER", nullable: true),
                    Confidence = table.Column<double>(type: "REAL", nullable: true),
                    Tags = table.Column<string>(type: "TEXT", nullable: true),
                    Source = table.Column<string>(type: "TEXT", nullable: true),
                    SourceRef = table.Column<string>(type: "TEXT", nullable: true),
                    FirstSeen = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Enabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    QuarantinedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    QuarantineReason = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_bank_entries", x => x.Id);
                    table.ForeignKey(
                        name: "FK_bank_entries_banks_BankId",
                        column: x => x.BankId,
                        principalTable: "banks",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_bank_entries_BankId_SignalType_Signal",
                table: "bank_entries",
                columns: new[] { "BankId", "SignalType", "Signal" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_bank_entries_SignalType_Signal",
                table: "bank_entries",
                columns: new[] { "SignalType", "Signal" });

            migrationBuilder.CreateIndex(
                name: "IX_banks_Name",
                table: "banks",
                column: "Name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_import_checkpoints_BankId_Source",
                table: "import_checkpoints",
                columns: new[] { "BankId", "Source" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "bank_entries");

            migrationBuilder.DropTable(
                name: "import_checkpoints");

            migrationBuilder.DropTable(
                name: "banks");
        }
    }
}
