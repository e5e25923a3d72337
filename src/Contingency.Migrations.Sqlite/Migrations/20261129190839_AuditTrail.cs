using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Contingency.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class AuditTrail : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "AuditEntries",
                columns: table => new
                {
                    Sequence = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    At = table.Column<long>(type: "INTEGER", nullable: false),
                    Actor = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Action = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    EntityType = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    EntityId = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Summary = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AuditEntries", x => x.Sequence);
                });

            migrationBuilder.CreateIndex(
                name: "IX_AuditEntries_At",
                table: "AuditEntries",
                column: "At");

            migrationBuilder.CreateIndex(
                name: "IX_AuditEntries_EntityType_EntityId_At",
                table: "AuditEntries",
                columns: new[] { "EntityType", "EntityId", "At" });

            // The trail is append-only, and the database itself holds to it: an UPDATE or DELETE of an
            // entry is refused whoever sends it. An INSERT OR REPLACE over an existing entry would delete
            // it without firing the delete trigger (SQLite fires none for REPLACE unless recursive
            // triggers are on), so an insert that names an existing entry's sequence is refused too (an
            // insert that names none sees -1 here before SQLite assigns the next one).
            // A migration that rebuilds this table (SQLite's way of altering a column) drops these
            // triggers with the old table and must create them again.
            migrationBuilder.Sql("""
                CREATE TRIGGER AuditEntries_NoUpdate BEFORE UPDATE ON AuditEntries
                BEGIN SELECT RAISE(ABORT, 'audit-append-only'); END
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER AuditEntries_NoDelete BEFORE DELETE ON AuditEntries
                BEGIN SELECT RAISE(ABORT, 'audit-append-only'); END
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER AuditEntries_NoReplace BEFORE INSERT ON AuditEntries
                WHEN NEW.Sequence > 0 AND EXISTS (SELECT 1 FROM AuditEntries WHERE Sequence = NEW.Sequence)
                BEGIN SELECT RAISE(ABORT, 'audit-append-only'); END
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS AuditEntries_NoReplace");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS AuditEntries_NoDelete");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS AuditEntries_NoUpdate");
            migrationBuilder.DropTable(
                name: "AuditEntries");
        }
    }
}
