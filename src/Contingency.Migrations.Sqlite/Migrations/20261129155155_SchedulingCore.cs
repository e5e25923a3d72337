using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Contingency.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class SchedulingCore : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "IdempotencyRecords",
                columns: table => new
                {
                    Key = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    RequestHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ResourceId = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Response = table.Column<string>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_IdempotencyRecords", x => x.Key);
                });

            migrationBuilder.CreateTable(
                name: "Programs",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    TimeZone = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    StartsOn = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Weeks = table.Column<int>(type: "INTEGER", nullable: false),
                    SessionMinutes = table.Column<int>(type: "INTEGER", nullable: false),
                    Holidays = table.Column<string>(type: "TEXT", nullable: false),
                    SessionRate = table.Column<long>(type: "INTEGER", precision: 18, scale: 2, nullable: false),
                    PremiumRate = table.Column<long>(type: "INTEGER", precision: 18, scale: 2, nullable: false),
                    SigningBonus = table.Column<long>(type: "INTEGER", precision: 18, scale: 2, nullable: false),
                    Currency = table.Column<string>(type: "TEXT", maxLength: 3, nullable: false),
                    PaymentWeekday = table.Column<string>(type: "TEXT", maxLength: 9, nullable: false),
                    PaymentTime = table.Column<TimeOnly>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Programs", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Providers",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Npi = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    LicenseType = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    LicenseNumber = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Email = table.Column<string>(type: "TEXT", maxLength: 254, nullable: false),
                    Region = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Modalities = table.Column<string>(type: "TEXT", nullable: false),
                    Languages = table.Column<string>(type: "TEXT", nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Providers", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Commitments",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    ProgramId = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    ProviderId = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    SlotsPerDay = table.Column<int>(type: "INTEGER", nullable: false),
                    WeekdayMask = table.Column<int>(type: "INTEGER", nullable: false),
                    FirstSlotAt = table.Column<TimeOnly>(type: "TEXT", nullable: false),
                    StartsOn = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Weeks = table.Column<int>(type: "INTEGER", nullable: false),
                    ExcludedDates = table.Column<string>(type: "TEXT", nullable: false),
                    EndsOn = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    TotalSlots = table.Column<int>(type: "INTEGER", nullable: false),
                    WithdrawnEffectiveOn = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    WithdrawalReason = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    WithdrawnAt = table.Column<long>(type: "INTEGER", nullable: true),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ActiveInProgramId = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Commitments", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Commitments_Programs_ProgramId",
                        column: x => x.ProgramId,
                        principalTable: "Programs",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_Commitments_Providers_ProviderId",
                        column: x => x.ProviderId,
                        principalTable: "Providers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "Appointments",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    ProgramId = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    ProviderId = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    CommitmentId = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Region = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    LicenseType = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    Start = table.Column<long>(type: "INTEGER", nullable: false),
                    End = table.Column<long>(type: "INTEGER", nullable: false),
                    LocalDate = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    MemberRef = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    PreviousVisitOn = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    FollowUpDueBy = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    TimelyAccessMet = table.Column<bool>(type: "INTEGER", nullable: true),
                    Modality = table.Column<string>(type: "TEXT", maxLength: 16, nullable: true),
                    CancelReason = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    CancelInitiatedBy = table.Column<string>(type: "TEXT", maxLength: 16, nullable: true),
                    RescheduledFromId = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    RescheduledToId = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    HeldSlot = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Appointments", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Appointments_Commitments_CommitmentId",
                        column: x => x.CommitmentId,
                        principalTable: "Commitments",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_Appointments_Programs_ProgramId",
                        column: x => x.ProgramId,
                        principalTable: "Programs",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_Appointments_Providers_ProviderId",
                        column: x => x.ProviderId,
                        principalTable: "Providers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Appointments_CommitmentId",
                table: "Appointments",
                column: "CommitmentId");

            migrationBuilder.CreateIndex(
                name: "IX_Appointments_ProgramId_Region_LicenseType_LocalDate_Kind_TimelyAccessMet_HeldSlot",
                table: "Appointments",
                columns: new[] { "ProgramId", "Region", "LicenseType", "LocalDate", "Kind", "TimelyAccessMet", "HeldSlot" });

            migrationBuilder.CreateIndex(
                name: "IX_Appointments_ProviderId_HeldSlot",
                table: "Appointments",
                columns: new[] { "ProviderId", "HeldSlot" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Commitments_ProgramId",
                table: "Commitments",
                column: "ProgramId");

            migrationBuilder.CreateIndex(
                name: "IX_Commitments_ProviderId_ActiveInProgramId",
                table: "Commitments",
                columns: new[] { "ProviderId", "ActiveInProgramId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Providers_Name_Id",
                table: "Providers",
                columns: new[] { "Name", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Providers_Npi",
                table: "Providers",
                column: "Npi",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Providers_Region_LicenseType",
                table: "Providers",
                columns: new[] { "Region", "LicenseType" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "Appointments");

            migrationBuilder.DropTable(
                name: "IdempotencyRecords");

            migrationBuilder.DropTable(
                name: "Commitments");

            migrationBuilder.DropTable(
                name: "Programs");

            migrationBuilder.DropTable(
                name: "Providers");
        }
    }
}
