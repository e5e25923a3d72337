using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Contingency.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class BookedCounts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "BookedCounts",
                columns: table => new
                {
                    ProgramId = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Region = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    LicenseType = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    LocalDate = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    TimelyAccess = table.Column<int>(type: "INTEGER", nullable: false),
                    Count = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_BookedCounts", x => new { x.ProgramId, x.Region, x.LicenseType, x.LocalDate, x.Kind, x.TimelyAccess });
                });

            // The counts of the appointments already held, then triggers that keep them: an appointment
            // that comes to hold a slot adds one to its row, one that stops holding it (cancelled,
            // displaced, rescheduled away) takes one away, in the transaction that changes it.
            migrationBuilder.Sql("""
                INSERT INTO BookedCounts (ProgramId, Region, LicenseType, LocalDate, Kind, TimelyAccess, Count)
                SELECT ProgramId, Region, LicenseType, LocalDate, Kind, COALESCE(TimelyAccessMet, -1), COUNT(*)
                FROM Appointments WHERE HeldSlot IS NOT NULL
                GROUP BY ProgramId, Region, LicenseType, LocalDate, Kind, COALESCE(TimelyAccessMet, -1)
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER Appointments_CountBooked_Insert AFTER INSERT ON Appointments WHEN NEW.HeldSlot IS NOT NULL
                BEGIN
                    INSERT INTO BookedCounts (ProgramId, Region, LicenseType, LocalDate, Kind, TimelyAccess, Count)
                    VALUES (NEW.ProgramId, NEW.Region, NEW.LicenseType, NEW.LocalDate, NEW.Kind, COALESCE(NEW.TimelyAccessMet, -1), 1)
                    ON CONFLICT (ProgramId, Region, LicenseType, LocalDate, Kind, TimelyAccess) DO UPDATE SET Count = Count + 1;
                END
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER Appointments_CountBooked_Update
                AFTER UPDATE OF HeldSlot, ProgramId, Region, LicenseType, LocalDate, Kind, TimelyAccessMet ON Appointments
                WHEN (OLD.HeldSlot IS NULL) <> (NEW.HeldSlot IS NULL) OR OLD.ProgramId <> NEW.ProgramId OR OLD.Region <> NEW.Region
                    OR OLD.LicenseType <> NEW.LicenseType OR OLD.LocalDate <> NEW.LocalDate OR OLD.Kind <> NEW.Kind
                    OR OLD.TimelyAccessMet IS NOT NEW.TimelyAccessMet
                BEGIN
                    UPDATE BookedCounts SET Count = Count - 1
                    WHERE OLD.HeldSlot IS NOT NULL AND ProgramId = OLD.ProgramId AND Region = OLD.Region AND LicenseType = OLD.LicenseType
                        AND LocalDate = OLD.LocalDate AND Kind = OLD.Kind AND TimelyAccess = COALESCE(OLD.TimelyAccessMet, -1);
                    INSERT INTO BookedCounts (ProgramId, Region, LicenseType, LocalDate, Kind, TimelyAccess, Count)
                    SELECT NEW.ProgramId, NEW.Region, NEW.LicenseType, NEW.LocalDate, NEW.Kind, COALESCE(NEW.TimelyAccessMet, -1), 1
                    WHERE NEW.HeldSlot IS NOT NULL
                    ON CONFLICT (ProgramId, Region, LicenseType, LocalDate, Kind, TimelyAccess) DO UPDATE SET Count = Count + 1;
                END
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER Appointments_CountBooked_Delete AFTER DELETE ON Appointments WHEN OLD.HeldSlot IS NOT NULL
                BEGIN
                    UPDATE BookedCounts SET Count = Count - 1
                    WHERE ProgramId = OLD.ProgramId AND Region = OLD.Region AND LicenseType = OLD.LicenseType
                        AND LocalDate = OLD.LocalDate AND Kind = OLD.Kind AND TimelyAccess = COALESCE(OLD.TimelyAccessMet, -1);
                END
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS Appointments_CountBooked_Delete");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS Appointments_CountBooked_Update");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS Appointments_CountBooked_Insert");
            migrationBuilder.DropTable(
                name: "BookedCounts");
        }
    }
}
