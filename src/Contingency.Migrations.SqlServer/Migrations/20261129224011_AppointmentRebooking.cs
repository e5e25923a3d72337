using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Contingency.Migrations.SqlServer.Migrations
{
    /// <inheritdoc />
    public partial class AppointmentRebooking : Migration
    {
        private static string OwnBatch(string sql) => $"EXEC(N'{sql.Replace("'", "''")}')";

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "RebookedAsId",
                table: "Appointments",
                type: "nvarchar(40)",
                maxLength: 40,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "RebookedFromId",
                table: "Appointments",
                type: "nvarchar(40)",
                maxLength: 40,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_Appointments_ProgramId_Status_RebookedAsId",
                table: "Appointments",
                columns: new[] { "ProgramId", "Status", "RebookedAsId" });

            // The booking trigger makes the insert itself and names every column: it names the new ones too.
            migrationBuilder.Sql(OwnBatch("""
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
                        [RescheduledToId], [RebookedAsId], [RebookedFromId], [CreatedAt], [UpdatedAt], [HeldSlot])
                    SELECT [Id], [ProgramId], [ProviderId], [CommitmentId], [Region], [LicenseType],
                        [Start], [End], [LocalDate], [Status], [Kind], [MemberRef], [PreviousVisitOn], [FollowUpDueBy],
                        [TimelyAccessMet], [Modality], [CancelReason], [CancelInitiatedBy], [RescheduledFromId],
                        [RescheduledToId], [RebookedAsId], [RebookedFromId], [CreatedAt], [UpdatedAt], [HeldSlot]
                    FROM inserted;
                END
                """));
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(OwnBatch("""
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
                        [RescheduledToId], [CreatedAt], [UpdatedAt], [HeldSlot])
                    SELECT [Id], [ProgramId], [ProviderId], [CommitmentId], [Region], [LicenseType],
                        [Start], [End], [LocalDate], [Status], [Kind], [MemberRef], [PreviousVisitOn], [FollowUpDueBy],
                        [TimelyAccessMet], [Modality], [CancelReason], [CancelInitiatedBy], [RescheduledFromId],
                        [RescheduledToId], [CreatedAt], [UpdatedAt], [HeldSlot]
                    FROM inserted;
                END
                """));

            migrationBuilder.DropIndex(
                name: "IX_Appointments_ProgramId_Status_RebookedAsId",
                table: "Appointments");

            migrationBuilder.DropColumn(
                name: "RebookedAsId",
                table: "Appointments");

            migrationBuilder.DropColumn(
                name: "RebookedFromId",
                table: "Appointments");
        }
    }
}
