using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Contingency.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class ListIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_PaymentBatches_ProgramId_CreatedAt",
                table: "PaymentBatches");

            migrationBuilder.DropIndex(
                name: "IX_Commitments_ProgramId",
                table: "Commitments");

            migrationBuilder.CreateIndex(
                name: "IX_Payments_ProgramId_Id",
                table: "Payments",
                columns: new[] { "ProgramId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_PaymentBatches_ProgramId_Id",
                table: "PaymentBatches",
                columns: new[] { "ProgramId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Commitments_ProgramId_Id",
                table: "Commitments",
                columns: new[] { "ProgramId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Appointments_MemberRef_Id",
                table: "Appointments",
                columns: new[] { "MemberRef", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Appointments_ProgramId_Id",
                table: "Appointments",
                columns: new[] { "ProgramId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Appointments_ProviderId_Id",
                table: "Appointments",
                columns: new[] { "ProviderId", "Id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Payments_ProgramId_Id",
                table: "Payments");

            migrationBuilder.DropIndex(
                name: "IX_PaymentBatches_ProgramId_Id",
                table: "PaymentBatches");

            migrationBuilder.DropIndex(
                name: "IX_Commitments_ProgramId_Id",
                table: "Commitments");

            migrationBuilder.DropIndex(
                name: "IX_Appointments_MemberRef_Id",
                table: "Appointments");

            migrationBuilder.DropIndex(
                name: "IX_Appointments_ProgramId_Id",
                table: "Appointments");

            migrationBuilder.DropIndex(
                name: "IX_Appointments_ProviderId_Id",
                table: "Appointments");

            migrationBuilder.CreateIndex(
                name: "IX_PaymentBatches_ProgramId_CreatedAt",
                table: "PaymentBatches",
                columns: new[] { "ProgramId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Commitments_ProgramId",
                table: "Commitments",
                column: "ProgramId");
        }
    }
}
