using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Contingency.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class CommitmentBookingsVersion : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "BookingsVersion",
                table: "Commitments",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            // The booking/withdrawal rule, kept by the database itself (Commitment.Withdraw says why):
            // an appointment may only be inserted while its commitment still covers its day, and each
            // insert raises the commitment's BookingsVersion, which a withdrawal saves against.
            migrationBuilder.Sql("""
                CREATE TRIGGER Appointments_RequireCommittedDay BEFORE INSERT ON Appointments
                WHEN NOT EXISTS (SELECT 1 FROM Commitments WHERE Id = NEW.CommitmentId AND EndsOn >= NEW.LocalDate)
                BEGIN SELECT RAISE(ABORT, 'not-a-committed-slot'); END
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER Appointments_RaiseBookingsVersion AFTER INSERT ON Appointments
                BEGIN UPDATE Commitments SET BookingsVersion = BookingsVersion + 1 WHERE Id = NEW.CommitmentId; END
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS Appointments_RaiseBookingsVersion");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS Appointments_RequireCommittedDay");
            migrationBuilder.DropColumn(
                name: "BookingsVersion",
                table: "Commitments");
        }
    }
}
