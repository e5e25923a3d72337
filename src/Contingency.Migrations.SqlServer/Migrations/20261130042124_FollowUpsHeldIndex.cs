using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Contingency.Migrations.SqlServer.Migrations
{
    /// <inheritdoc />
    public partial class FollowUpsHeldIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_Appointments_FollowUpsHeld",
                table: "Appointments",
                columns: new[] { "ProgramId", "TimelyAccessMet" },
                filter: "\"Kind\" = 'follow-up' AND \"HeldSlot\" IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Appointments_FollowUpsHeld",
                table: "Appointments");
        }
    }
}
