using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Contingency.Migrations.Postgres.Migrations
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
                    ProgramId = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    Region = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    LicenseType = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    LocalDate = table.Column<DateOnly>(type: "date", nullable: false),
                    Kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    TimelyAccess = table.Column<int>(type: "integer", nullable: false),
                    Count = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_BookedCounts", x => new { x.ProgramId, x.Region, x.LicenseType, x.LocalDate, x.Kind, x.TimelyAccess });
                });

            // The counts of the appointments already held, then a trigger that keeps them: an appointment
            // that comes to hold a slot adds one to its row, one that stops holding it (cancelled,
            // displaced, rescheduled away) takes one away, in the transaction that changes it.
            // Appointments is locked against writes (reads go on) from here to the migration's commit, so a
            // node of the previous release cannot change an appointment between the backfill and the trigger.
            migrationBuilder.Sql("""LOCK TABLE "Appointments" IN SHARE ROW EXCLUSIVE MODE;""");
            migrationBuilder.Sql("""
                INSERT INTO "BookedCounts" ("ProgramId", "Region", "LicenseType", "LocalDate", "Kind", "TimelyAccess", "Count")
                SELECT "ProgramId", "Region", "LicenseType", "LocalDate", "Kind",
                       CASE WHEN "TimelyAccessMet" IS NULL THEN -1 WHEN "TimelyAccessMet" THEN 1 ELSE 0 END, COUNT(*)
                FROM "Appointments" WHERE "HeldSlot" IS NOT NULL
                GROUP BY 1, 2, 3, 4, 5, 6;
                """);
            migrationBuilder.Sql("""
                CREATE FUNCTION "Appointments_CountBooked"() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF TG_OP = 'UPDATE' AND (OLD."HeldSlot" IS NULL) = (NEW."HeldSlot" IS NULL)
                        AND (OLD."ProgramId", OLD."Region", OLD."LicenseType", OLD."LocalDate", OLD."Kind", OLD."TimelyAccessMet")
                            IS NOT DISTINCT FROM (NEW."ProgramId", NEW."Region", NEW."LicenseType", NEW."LocalDate", NEW."Kind", NEW."TimelyAccessMet") THEN
                        RETURN NULL;
                    END IF;
                    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD."HeldSlot" IS NOT NULL THEN
                        UPDATE "BookedCounts" SET "Count" = "Count" - 1
                        WHERE "ProgramId" = OLD."ProgramId" AND "Region" = OLD."Region" AND "LicenseType" = OLD."LicenseType"
                          AND "LocalDate" = OLD."LocalDate" AND "Kind" = OLD."Kind"
                          AND "TimelyAccess" = CASE WHEN OLD."TimelyAccessMet" IS NULL THEN -1 WHEN OLD."TimelyAccessMet" THEN 1 ELSE 0 END;
                    END IF;
                    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW."HeldSlot" IS NOT NULL THEN
                        INSERT INTO "BookedCounts" ("ProgramId", "Region", "LicenseType", "LocalDate", "Kind", "TimelyAccess", "Count")
                        VALUES (NEW."ProgramId", NEW."Region", NEW."LicenseType", NEW."LocalDate", NEW."Kind",
                                CASE WHEN NEW."TimelyAccessMet" IS NULL THEN -1 WHEN NEW."TimelyAccessMet" THEN 1 ELSE 0 END, 1)
                        ON CONFLICT ("ProgramId", "Region", "LicenseType", "LocalDate", "Kind", "TimelyAccess")
                        DO UPDATE SET "Count" = "BookedCounts"."Count" + 1;
                    END IF;
                    RETURN NULL;
                END
                $$;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "Appointments_CountBooked"
                AFTER INSERT OR DELETE OR UPDATE OF "HeldSlot", "ProgramId", "Region", "LicenseType", "LocalDate", "Kind", "TimelyAccessMet"
                ON "Appointments" FOR EACH ROW EXECUTE FUNCTION "Appointments_CountBooked"();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""DROP TRIGGER IF EXISTS "Appointments_CountBooked" ON "Appointments";""");
            migrationBuilder.Sql("""DROP FUNCTION IF EXISTS "Appointments_CountBooked"();""");
            migrationBuilder.DropTable(
                name: "BookedCounts");
        }
    }
}
