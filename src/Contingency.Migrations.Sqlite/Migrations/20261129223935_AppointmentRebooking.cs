using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Contingency.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class AppointmentRebooking : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "RebookedAsId",
                table: "Appointments",
                type: "TEXT",
                maxLength: 40,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "RebookedFromId",
                table: "Appointments",
                type: "TEXT",
                maxLength: 40,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_Appointments_ProgramId_Status_RebookedAsId",
                table: "Appointments",
                columns: new[] { "ProgramId", "Status", "RebookedAsId" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
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
