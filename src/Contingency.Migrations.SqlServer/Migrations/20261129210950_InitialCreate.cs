using System;
using Contingency.Data.Scheduling;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Contingency.Migrations.SqlServer.Migrations
{
    /// <inheritdoc />
    public partial class InitialCreate : Migration
    {
        /// <summary>
        /// CREATE TRIGGER must open its batch, and the idempotent script (deploy/sql) puts every statement
        /// inside IF ... BEGIN ... END: run through EXEC, the statement is a batch of its own either way.
        /// </summary>
        private static string OwnBatch(string sql) => $"EXEC(N'{sql.Replace("'", "''")}')";

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "AuditEntries",
                columns: table => new
                {
                    Sequence = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    At = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    Actor = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    Action = table.Column<string>(type: "nvarchar(100)", maxLength: 100, nullable: false),
                    EntityType = table.Column<string>(type: "nvarchar(50)", maxLength: 50, nullable: false),
                    EntityId = table.Column<string>(type: "nvarchar(40)", maxLength: 40, nullable: false),
                    Summary = table.Column<string>(type: "nvarchar(500)", maxLength: 500, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AuditEntries", x => x.Sequence);
                });

            migrationBuilder.CreateTable(
                name: "IdempotencyRecords",
                columns: table => new
                {
                    Key = table.Column<string>(type: "nvarchar(300)", maxLength: 300, nullable: false),
                    RequestHash = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    ResourceId = table.Column<string>(type: "nvarchar(40)", maxLength: 40, nullable: false),
                    Response = table.Column<string>(type: "nvarchar(max)", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_IdempotencyRecords", x => x.Key);
                });

            migrationBuilder.CreateTable(
                name: "Programs",
                columns: table => new
                {
                    Id = table.Column<string>(type: "nvarchar(40)", maxLength: 40, nullable: false),
                    Name = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    TimeZone = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    StartsOn = table.Column<DateOnly>(type: "date", nullable: false),
                    Weeks = table.Column<int>(type: "int", nullable: false),
                    SessionMinutes = table.Column<int>(type: "int", nullable: false),
                    Holidays = table.Column<string>(type: "nvarchar(max)", nullable: false),
                    SessionRate = table.Column<decimal>(type: "decimal(18,2)", precision: 18, scale: 2, nullable: false),
                    PremiumRate = table.Column<decimal>(type: "decimal(18,2)", precision: 18, scale: 2, nullable: false),
                    SigningBonus = table.Column<decimal>(type: "decimal(18,2)", precision: 18, scale: 2, nullable: false),
                    Currency = table.Column<string>(type: "nvarchar(3)", maxLength: 3, nullable: false),
                    PaymentWeekday = table.Column<string>(type: "nvarchar(9)", maxLength: 9, nullable: false),
                    PaymentTime = table.Column<TimeOnly>(type: "time", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Programs", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Providers",
                columns: table => new
                {
                    Id = table.Column<string>(type: "nvarchar(40)", maxLength: 40, nullable: false),
                    Name = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    Npi = table.Column<string>(type: "nvarchar(10)", maxLength: 10, nullable: false),
                    LicenseType = table.Column<string>(type: "nvarchar(8)", maxLength: 8, nullable: false),
                    LicenseNumber = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    Email = table.Column<string>(type: "nvarchar(254)", maxLength: 254, nullable: false),
                    Region = table.Column<string>(type: "nvarchar(100)", maxLength: 100, nullable: false),
                    Modalities = table.Column<string>(type: "nvarchar(max)", nullable: false),
                    Languages = table.Column<string>(type: "nvarchar(max)", nullable: false),
                    Status = table.Column<string>(type: "nvarchar(16)", maxLength: 16, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Providers", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "PaymentBatches",
                columns: table => new
                {
                    Id = table.Column<string>(type: "nvarchar(40)", maxLength: 40, nullable: false),
                    ProgramId = table.Column<string>(type: "nvarchar(40)", maxLength: 40, nullable: false),
                    Released = table.Column<int>(type: "int", nullable: false),
                    Amount = table.Column<decimal>(type: "decimal(18,2)", precision: 18, scale: 2, nullable: false),
                    Currency = table.Column<string>(type: "nvarchar(3)", maxLength: 3, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PaymentBatches", x => x.Id);
                    table.ForeignKey(
                        name: "FK_PaymentBatches_Programs_ProgramId",
                        column: x => x.ProgramId,
                        principalTable: "Programs",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "Commitments",
                columns: table => new
                {
                    Id = table.Column<string>(type: "nvarchar(40)", maxLength: 40, nullable: false),
                    ProgramId = table.Column<string>(type: "nvarchar(40)", maxLength: 40, nullable: false),
                    ProviderId = table.Column<string>(type: "nvarchar(40)", maxLength: 40, nullable: false),
                    SlotsPerDay = table.Column<int>(type: "int", nullable: false),
                    WeekdayMask = table.Column<int>(type: "int", nullable: false),
                    FirstSlotAt = table.Column<TimeOnly>(type: "time", nullable: false),
                    StartsOn = table.Column<DateOnly>(type: "date", nullable: false),
                    Weeks = table.Column<int>(type: "int", nullable: false),
                    ExcludedDates = table.Column<string>(type: "nvarchar(max)", nullable: false),
                    EndsOn = table.Column<DateOnly>(type: "date", nullable: false),
                    Status = table.Column<string>(type: "nvarchar(16)", maxLength: 16, nullable: false),
                    TotalSlots = table.Column<int>(type: "int", nullable: false),
                    WithdrawnEffectiveOn = table.Column<DateOnly>(type: "date", nullable: true),
                    WithdrawalReason = table.Column<string>(type: "nvarchar(500)", maxLength: 500, nullable: true),
                    WithdrawnAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: true),
                    CreatedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    ActiveInProgramId = table.Column<string>(type: "nvarchar(40)", maxLength: 40, nullable: true),
                    BookingsVersion = table.Column<long>(type: "bigint", nullable: false)
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
                    Id = table.Column<string>(type: "nvarchar(40)", maxLength: 40, nullable: false),
                    ProgramId = table.Column<string>(type: "nvarchar(40)", maxLength: 40, nullable: false),
                    ProviderId = table.Column<string>(type: "nvarchar(40)", maxLength: 40, nullable: false),
                    CommitmentId = table.Column<string>(type: "nvarchar(40)", maxLength: 40, nullable: false),
                    Region = table.Column<string>(type: "nvarchar(100)", maxLength: 100, nullable: false),
                    LicenseType = table.Column<string>(type: "nvarchar(8)", maxLength: 8, nullable: false),
                    Start = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    End = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    LocalDate = table.Column<DateOnly>(type: "date", nullable: false),
                    Status = table.Column<string>(type: "nvarchar(16)", maxLength: 16, nullable: false),
                    Kind = table.Column<string>(type: "nvarchar(16)", maxLength: 16, nullable: false),
                    MemberRef = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    PreviousVisitOn = table.Column<DateOnly>(type: "date", nullable: true),
                    FollowUpDueBy = table.Column<DateOnly>(type: "date", nullable: true),
                    TimelyAccessMet = table.Column<bool>(type: "bit", nullable: true),
                    Modality = table.Column<string>(type: "nvarchar(16)", maxLength: 16, nullable: true),
                    CancelReason = table.Column<string>(type: "nvarchar(500)", maxLength: 500, nullable: true),
                    CancelInitiatedBy = table.Column<string>(type: "nvarchar(16)", maxLength: 16, nullable: true),
                    RescheduledFromId = table.Column<string>(type: "nvarchar(40)", maxLength: 40, nullable: true),
                    RescheduledToId = table.Column<string>(type: "nvarchar(40)", maxLength: 40, nullable: true),
                    CreatedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    HeldSlot = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: true)
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

            migrationBuilder.CreateTable(
                name: "Payments",
                columns: table => new
                {
                    Id = table.Column<string>(type: "nvarchar(40)", maxLength: 40, nullable: false),
                    ProgramId = table.Column<string>(type: "nvarchar(40)", maxLength: 40, nullable: false),
                    ProviderId = table.Column<string>(type: "nvarchar(40)", maxLength: 40, nullable: false),
                    CommitmentId = table.Column<string>(type: "nvarchar(40)", maxLength: 40, nullable: false),
                    Kind = table.Column<string>(type: "nvarchar(16)", maxLength: 16, nullable: false),
                    PeriodStart = table.Column<DateOnly>(type: "date", nullable: true),
                    PeriodEnd = table.Column<DateOnly>(type: "date", nullable: true),
                    Sessions = table.Column<int>(type: "int", nullable: false),
                    UnitAmount = table.Column<decimal>(type: "decimal(18,2)", precision: 18, scale: 2, nullable: false),
                    Amount = table.Column<decimal>(type: "decimal(18,2)", precision: 18, scale: 2, nullable: false),
                    Currency = table.Column<string>(type: "nvarchar(3)", maxLength: 3, nullable: false),
                    DueAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    Status = table.Column<string>(type: "nvarchar(16)", maxLength: 16, nullable: false),
                    ReleasedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: true),
                    BatchId = table.Column<string>(type: "nvarchar(40)", maxLength: 40, nullable: true),
                    AdjustsPaymentId = table.Column<string>(type: "nvarchar(40)", maxLength: 40, nullable: true),
                    CreatedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Payments", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Payments_Commitments_CommitmentId",
                        column: x => x.CommitmentId,
                        principalTable: "Commitments",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_Payments_PaymentBatches_BatchId",
                        column: x => x.BatchId,
                        principalTable: "PaymentBatches",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_Payments_Programs_ProgramId",
                        column: x => x.ProgramId,
                        principalTable: "Programs",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_Payments_Providers_ProviderId",
                        column: x => x.ProviderId,
                        principalTable: "Providers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "PaymentReleases",
                columns: table => new
                {
                    PaymentId = table.Column<string>(type: "nvarchar(40)", maxLength: 40, nullable: false),
                    BatchId = table.Column<string>(type: "nvarchar(40)", maxLength: 40, nullable: false),
                    ReleasedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PaymentReleases", x => x.PaymentId);
                    table.ForeignKey(
                        name: "FK_PaymentReleases_PaymentBatches_BatchId",
                        column: x => x.BatchId,
                        principalTable: "PaymentBatches",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_PaymentReleases_Payments_PaymentId",
                        column: x => x.PaymentId,
                        principalTable: "Payments",
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
                unique: true,
                filter: "[HeldSlot] IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_AuditEntries_At",
                table: "AuditEntries",
                column: "At");

            migrationBuilder.CreateIndex(
                name: "IX_AuditEntries_EntityType_EntityId_At",
                table: "AuditEntries",
                columns: new[] { "EntityType", "EntityId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_Commitments_ProgramId",
                table: "Commitments",
                column: "ProgramId");

            migrationBuilder.CreateIndex(
                name: "IX_Commitments_ProviderId_ActiveInProgramId",
                table: "Commitments",
                columns: new[] { "ProviderId", "ActiveInProgramId" },
                unique: true,
                filter: "[ActiveInProgramId] IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_PaymentBatches_ProgramId_CreatedAt",
                table: "PaymentBatches",
                columns: new[] { "ProgramId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_PaymentReleases_BatchId",
                table: "PaymentReleases",
                column: "BatchId");

            migrationBuilder.CreateIndex(
                name: "IX_Payments_BatchId",
                table: "Payments",
                column: "BatchId");

            migrationBuilder.CreateIndex(
                name: "IX_Payments_CommitmentId",
                table: "Payments",
                column: "CommitmentId");

            migrationBuilder.CreateIndex(
                name: "IX_Payments_ProgramId_Status_DueAt",
                table: "Payments",
                columns: new[] { "ProgramId", "Status", "DueAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Payments_ProviderId_ProgramId",
                table: "Payments",
                columns: new[] { "ProviderId", "ProgramId" });

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

            // The double-booking and second-active-commitment guards are the two filtered unique indexes
            // above: SQL Server finds two NULLs equal in a unique index, so EF Core's SQL Server conventions
            // filter each to its rows whose nullable key is set ([HeldSlot] IS NOT NULL, [ActiveInProgramId]
            // IS NOT NULL), and released appointments and withdrawn commitments never collide, as on
            // SQLite and PostgreSQL. A second release meets PaymentReleases' primary key.

            // The booking/withdrawal rule (Commitment.Withdraw says why). An appointment may only be
            // inserted while its commitment still covers its day, and each insert raises the commitment's
            // BookingsVersion, which a withdrawal saves against. SQL Server has no BEFORE trigger: this
            // INSTEAD OF trigger updates the commitments first and then makes the insert itself, so a booking
            // takes its commitment's row before the appointment's, in the order a withdrawal and a reschedule
            // take them. The UPDATE is itself the check: it waits for a withdrawal in flight and reads the
            // row that withdrawal committed (an update's target is read with locks even with
            // READ_COMMITTED_SNAPSHOT on; the hint says so). A commitment left out of the update no longer
            // covers some day, and the whole statement is refused with the code the service maps to 422.
            // The trigger sees every row of a statement at once (inserted), so it counts bookings per
            // commitment. It names Appointments' columns: a migration that adds one must alter it.
            migrationBuilder.Sql(OwnBatch("""
                CREATE TRIGGER [Appointments_RequireCommittedDay] ON [Appointments] INSTEAD OF INSERT AS
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

            // The audit trail is append-only, and the database itself holds to it: an UPDATE or DELETE of
            // entries is refused whoever sends it (the THROW rolls the statement and its transaction back).
            // AFTER rather than INSTEAD OF, so that inserts (which EF Core batches as a MERGE) meet no
            // INSTEAD OF trigger and none of MERGE's rules about one. TRUNCATE fires no trigger
            // on SQL Server; it is refused because the empty table below references the trail (SQL Server
            // never truncates a table a foreign key references).
            migrationBuilder.Sql(OwnBatch("""
                CREATE TRIGGER [AuditEntries_AppendOnly] ON [AuditEntries] AFTER UPDATE, DELETE AS
                BEGIN
                    SET NOCOUNT ON;
                    IF EXISTS (SELECT 1 FROM deleted)
                        THROW 51000, N'audit-append-only', 1;
                END
                """));
            migrationBuilder.Sql("""
                CREATE TABLE [AuditEntries_NoTruncate] (
                    [Sequence] bigint NULL CONSTRAINT [FK_AuditEntries_NoTruncate_AuditEntries] REFERENCES [AuditEntries] ([Sequence])
                )
                """);

            // Quartz's job store, in the same database (it is not part of the EF model).
            foreach (var statement in QuartzSchema.CreateStatements(new SqlServerQuartzDialect()))
                migrationBuilder.Sql(statement);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            foreach (var statement in QuartzSchema.DropStatements())
                migrationBuilder.Sql(statement);
            migrationBuilder.Sql("DROP TABLE IF EXISTS [AuditEntries_NoTruncate]");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS [AuditEntries_AppendOnly]");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS [Appointments_RequireCommittedDay]");

            migrationBuilder.DropTable(
                name: "Appointments");

            migrationBuilder.DropTable(
                name: "AuditEntries");

            migrationBuilder.DropTable(
                name: "IdempotencyRecords");

            migrationBuilder.DropTable(
                name: "PaymentReleases");

            migrationBuilder.DropTable(
                name: "Payments");

            migrationBuilder.DropTable(
                name: "Commitments");

            migrationBuilder.DropTable(
                name: "PaymentBatches");

            migrationBuilder.DropTable(
                name: "Providers");

            migrationBuilder.DropTable(
                name: "Programs");
        }
    }
}
