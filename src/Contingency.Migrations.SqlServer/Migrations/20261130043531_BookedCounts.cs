using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Contingency.Migrations.SqlServer.Migrations
{
    /// <inheritdoc />
    public partial class BookedCounts : Migration
    {
        private static string OwnBatch(string sql) => $"EXEC(N'{sql.Replace("'", "''")}')";

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "BookedCounts",
                columns: table => new
                {
                    ProgramId = table.Column<string>(type: "nvarchar(40)", maxLength: 40, nullable: false),
                    Region = table.Column<string>(type: "nvarchar(100)", maxLength: 100, nullable: false),
                    LicenseType = table.Column<string>(type: "nvarchar(8)", maxLength: 8, nullable: false),
                    LocalDate = table.Column<DateOnly>(type: "date", nullable: false),
                    Kind = table.Column<string>(type: "nvarchar(16)", maxLength: 16, nullable: false),
                    TimelyAccess = table.Column<int>(type: "int", nullable: false),
                    Count = table.Column<int>(type: "int", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_BookedCounts", x => new { x.ProgramId, x.Region, x.LicenseType, x.LocalDate, x.Kind, x.TimelyAccess });
                });

            // The counts of the appointments already held, then a trigger that keeps them: an appointment
            // that comes to hold a slot adds one to its row, one that stops holding it (cancelled,
            // displaced, rescheduled away) takes one away, in the statement that changes it. The trigger
            // sees a statement's rows at once (inserted, deleted), so it nets them per row of counts first.
            // The exclusive table lock, held to the migration's commit, keeps a node of the previous release
            // from changing an appointment between the backfill and the trigger.
            migrationBuilder.Sql("""
                INSERT INTO [BookedCounts] ([ProgramId], [Region], [LicenseType], [LocalDate], [Kind], [TimelyAccess], [Count])
                SELECT [ProgramId], [Region], [LicenseType], [LocalDate], [Kind], ISNULL(CAST([TimelyAccessMet] AS int), -1), COUNT(*)
                FROM [Appointments] WITH (TABLOCKX, HOLDLOCK) WHERE [HeldSlot] IS NOT NULL
                GROUP BY [ProgramId], [Region], [LicenseType], [LocalDate], [Kind], ISNULL(CAST([TimelyAccessMet] AS int), -1)
                """);
            migrationBuilder.Sql(OwnBatch("""
                CREATE TRIGGER [Appointments_CountBooked] ON [Appointments] AFTER INSERT, UPDATE, DELETE AS
                BEGIN
                    SET NOCOUNT ON;
                    WITH [Changes] AS (
                        SELECT [ProgramId], [Region], [LicenseType], [LocalDate], [Kind],
                               ISNULL(CAST([TimelyAccessMet] AS int), -1) AS [TimelyAccess], 1 AS [Delta]
                        FROM inserted WHERE [HeldSlot] IS NOT NULL
                        UNION ALL
                        SELECT [ProgramId], [Region], [LicenseType], [LocalDate], [Kind],
                               ISNULL(CAST([TimelyAccessMet] AS int), -1), -1
                        FROM deleted WHERE [HeldSlot] IS NOT NULL),
                    [Net] AS (
                        SELECT [ProgramId], [Region], [LicenseType], [LocalDate], [Kind], [TimelyAccess], SUM([Delta]) AS [Delta]
                        FROM [Changes]
                        GROUP BY [ProgramId], [Region], [LicenseType], [LocalDate], [Kind], [TimelyAccess]
                        HAVING SUM([Delta]) <> 0)
                    MERGE [BookedCounts] WITH (HOLDLOCK) AS t
                    USING [Net] AS n
                    ON t.[ProgramId] = n.[ProgramId] AND t.[Region] = n.[Region] AND t.[LicenseType] = n.[LicenseType]
                       AND t.[LocalDate] = n.[LocalDate] AND t.[Kind] = n.[Kind] AND t.[TimelyAccess] = n.[TimelyAccess]
                    WHEN MATCHED THEN UPDATE SET [Count] = t.[Count] + n.[Delta]
                    WHEN NOT MATCHED THEN INSERT ([ProgramId], [Region], [LicenseType], [LocalDate], [Kind], [TimelyAccess], [Count])
                        VALUES (n.[ProgramId], n.[Region], n.[LicenseType], n.[LocalDate], n.[Kind], n.[TimelyAccess], n.[Delta]);
                END
                """));
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS [Appointments_CountBooked]");
            migrationBuilder.DropTable(
                name: "BookedCounts");
        }
    }
}
