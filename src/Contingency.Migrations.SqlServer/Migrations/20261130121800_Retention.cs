using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Contingency.Migrations.SqlServer.Migrations
{
    /// <inheritdoc />
    public partial class Retention : Migration
    {
        private static string OwnBatch(string sql) => $"EXEC(N'{sql.Replace("'", "''")}')";

        /// <summary>The booking trigger as AppointmentRebooking left it, naming <paramref name="extraColumns"/> too.</summary>
        private static string RequireCommittedDay(string extraColumns) => $$"""
                ALTER TRIGGER [Appointments_RequireCommittedDay] ON [Appointments] INSTEAD OF INSERT AS
                BEGIN
                    SET NOCOUNT ON;
                    DECLARE @Covered int;
                    UPDATE c SET [BookingsVersion] = c.[BookingsVersion] + n.[Bookings]
                    FROM [Commitments] AS c WITH (READCOMMITTEDLOCK)
                    JOIN (SELECT [CommitmentId], COUNT(*) AS [Bookings], MAX([LocalDate]) AS [LastDay]
                          FROM inserted GROUP BY [CommitmentId]) AS n ON n.[CommitmentId] = c.[Id]
                    WHERE c.[EndsOn] >= n.[LastDay];
                    SET @Covered = @@ROWCOUNT;
                    IF @Covered < (SELECT COUNT(DISTINCT [CommitmentId]) FROM inserted)
                        THROW 51000, N'not-a-committed-slot', 1;
                    INSERT INTO [Appointments] ([Id], [ProgramId], [ProviderId], [CommitmentId], [Region], [LicenseType],
                        [Start], [End], [LocalDate], [Status], [Kind], [MemberRef], [PreviousVisitOn], [FollowUpDueBy],
                        [TimelyAccessMet], [Modality], [CancelReason], [CancelInitiatedBy], [RescheduledFromId],
                        [RescheduledToId], [RebookedAsId], [RebookedFromId], [CreatedAt], [UpdatedAt], [HeldSlot]{{extraColumns}})
                    SELECT [Id], [ProgramId], [ProviderId], [CommitmentId], [Region], [LicenseType],
                        [Start], [End], [LocalDate], [Status], [Kind], [MemberRef], [PreviousVisitOn], [FollowUpDueBy],
                        [TimelyAccessMet], [Modality], [CancelReason], [CancelInitiatedBy], [RescheduledFromId],
                        [RescheduledToId], [RebookedAsId], [RebookedFromId], [CreatedAt], [UpdatedAt], [HeldSlot]{{extraColumns}}
                    FROM inserted;
                END
                """;

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "ClosedAt",
                table: "Programs",
                type: "datetimeoffset",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "MemberDataHashedAt",
                table: "Programs",
                type: "datetimeoffset",
                nullable: true);

            migrationBuilder.AddColumn<byte[]>(
                name: "MemberSalt",
                table: "Programs",
                type: "varbinary(32)",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "MemberDataHashedAt",
                table: "Appointments",
                type: "datetimeoffset",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "RetentionRuns",
                columns: table => new
                {
                    Job = table.Column<string>(type: "nvarchar(100)", maxLength: 100, nullable: false),
                    StartedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    FinishedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    Outcome = table.Column<string>(type: "nvarchar(16)", maxLength: 16, nullable: false),
                    Affected = table.Column<int>(type: "int", nullable: false),
                    Detail = table.Column<string>(type: "nvarchar(500)", maxLength: 500, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RetentionRuns", x => x.Job);
                });

            // The booking trigger makes the insert itself and names every column: it names the new one too.
            migrationBuilder.Sql(OwnBatch(RequireCommittedDay(", [MemberDataHashedAt]")));
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(OwnBatch(RequireCommittedDay("")));

            migrationBuilder.DropTable(
                name: "RetentionRuns");

            migrationBuilder.DropColumn(
                name: "ClosedAt",
                table: "Programs");

            migrationBuilder.DropColumn(
                name: "MemberDataHashedAt",
                table: "Programs");

            migrationBuilder.DropColumn(
                name: "MemberSalt",
                table: "Programs");

            migrationBuilder.DropColumn(
                name: "MemberDataHashedAt",
                table: "Appointments");
        }
    }
}
