using System;
using System.Collections.Generic;
using Contingency.Data.Scheduling;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Contingency.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class InitialCreate : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "AuditEntries",
                columns: table => new
                {
                    Sequence = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Actor = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Action = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    EntityType = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    EntityId = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    Summary = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AuditEntries", x => x.Sequence);
                });

            migrationBuilder.CreateTable(
                name: "IdempotencyRecords",
                columns: table => new
                {
                    Key = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    RequestHash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    ResourceId = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    Response = table.Column<string>(type: "text", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_IdempotencyRecords", x => x.Key);
                });

            migrationBuilder.CreateTable(
                name: "Programs",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    Name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    TimeZone = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    StartsOn = table.Column<DateOnly>(type: "date", nullable: false),
                    Weeks = table.Column<int>(type: "integer", nullable: false),
                    SessionMinutes = table.Column<int>(type: "integer", nullable: false),
                    Holidays = table.Column<List<DateOnly>>(type: "date[]", nullable: false),
                    SessionRate = table.Column<decimal>(type: "numeric(18,2)", precision: 18, scale: 2, nullable: false),
                    PremiumRate = table.Column<decimal>(type: "numeric(18,2)", precision: 18, scale: 2, nullable: false),
                    SigningBonus = table.Column<decimal>(type: "numeric(18,2)", precision: 18, scale: 2, nullable: false),
                    Currency = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: false),
                    PaymentWeekday = table.Column<string>(type: "character varying(9)", maxLength: 9, nullable: false),
                    PaymentTime = table.Column<TimeOnly>(type: "time without time zone", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Programs", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Providers",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    Name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Npi = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    LicenseType = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    LicenseNumber = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Email = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: false),
                    Region = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Modalities = table.Column<List<string>>(type: "text[]", nullable: false),
                    Languages = table.Column<List<string>>(type: "text[]", nullable: false),
                    Status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Providers", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "PaymentBatches",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    ProgramId = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    Released = table.Column<int>(type: "integer", nullable: false),
                    Amount = table.Column<decimal>(type: "numeric(18,2)", precision: 18, scale: 2, nullable: false),
                    Currency = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
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
                    Id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    ProgramId = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    ProviderId = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    SlotsPerDay = table.Column<int>(type: "integer", nullable: false),
                    WeekdayMask = table.Column<int>(type: "integer", nullable: false),
                    FirstSlotAt = table.Column<TimeOnly>(type: "time without time zone", nullable: false),
                    StartsOn = table.Column<DateOnly>(type: "date", nullable: false),
                    Weeks = table.Column<int>(type: "integer", nullable: false),
                    ExcludedDates = table.Column<List<DateOnly>>(type: "date[]", nullable: false),
                    EndsOn = table.Column<DateOnly>(type: "date", nullable: false),
                    Status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    TotalSlots = table.Column<int>(type: "integer", nullable: false),
                    WithdrawnEffectiveOn = table.Column<DateOnly>(type: "date", nullable: true),
                    WithdrawalReason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    WithdrawnAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ActiveInProgramId = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
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
                    Id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    ProgramId = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    ProviderId = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    CommitmentId = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    Region = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    LicenseType = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    Start = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    End = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    LocalDate = table.Column<DateOnly>(type: "date", nullable: false),
                    Status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    MemberRef = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    PreviousVisitOn = table.Column<DateOnly>(type: "date", nullable: true),
                    FollowUpDueBy = table.Column<DateOnly>(type: "date", nullable: true),
                    TimelyAccessMet = table.Column<bool>(type: "boolean", nullable: true),
                    Modality = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    CancelReason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    CancelInitiatedBy = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    RescheduledFromId = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    RescheduledToId = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    HeldSlot = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
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
                    Id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    ProgramId = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    ProviderId = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    CommitmentId = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    Kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    PeriodStart = table.Column<DateOnly>(type: "date", nullable: true),
                    PeriodEnd = table.Column<DateOnly>(type: "date", nullable: true),
                    Sessions = table.Column<int>(type: "integer", nullable: false),
                    UnitAmount = table.Column<decimal>(type: "numeric(18,2)", precision: 18, scale: 2, nullable: false),
                    Amount = table.Column<decimal>(type: "numeric(18,2)", precision: 18, scale: 2, nullable: false),
                    Currency = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: false),
                    DueAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    ReleasedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    BatchId = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    AdjustsPaymentId = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
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
                    PaymentId = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    BatchId = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    ReleasedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
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
                name: "IX_Appointments_ProgramId_Region_LicenseType_LocalDate_Kind_Ti~",
                table: "Appointments",
                columns: new[] { "ProgramId", "Region", "LicenseType", "LocalDate", "Kind", "TimelyAccessMet", "HeldSlot" });

            migrationBuilder.CreateIndex(
                name: "IX_Appointments_ProviderId_HeldSlot",
                table: "Appointments",
                columns: new[] { "ProviderId", "HeldSlot" },
                unique: true);

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
                unique: true);

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

            // Each statement below ends with a semicolon: the idempotent script (deploy/sql) runs it inside
            // a DO block, where an unterminated statement is a syntax error.

            // The unique indexes above are all the double-booking and double-release guards need here:
            // PostgreSQL never finds two NULLs equal in a unique index, so released appointments
            // (HeldSlot NULL) and withdrawn commitments (ActiveInProgramId NULL) never collide, as on SQLite.

            // The booking/withdrawal rule (Commitment.Withdraw says why). An appointment may only be
            // inserted while its commitment still covers its day, and each insert raises the commitment's
            // BookingsVersion, which a withdrawal saves against. The UPDATE is itself the check: it takes
            // the commitment row's lock, so a withdrawal in flight makes it wait, and READ COMMITTED then
            // re-reads EndsOn from the withdrawal's committed row; updating no row means the day is gone.
            // A withdrawal that comes second finds BookingsVersion raised and starts again.
            migrationBuilder.Sql("""
                CREATE FUNCTION "Appointments_TakeCommittedDay"() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    UPDATE "Commitments" SET "BookingsVersion" = "BookingsVersion" + 1
                    WHERE "Id" = NEW."CommitmentId" AND "EndsOn" >= NEW."LocalDate";
                    IF NOT FOUND THEN
                        RAISE EXCEPTION 'not-a-committed-slot';
                    END IF;
                    RETURN NEW;
                END
                $$;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "Appointments_RequireCommittedDay" BEFORE INSERT ON "Appointments"
                FOR EACH ROW EXECUTE FUNCTION "Appointments_TakeCommittedDay"();
                """);

            // The audit trail is append-only, and the database itself holds to it: an UPDATE, DELETE or
            // TRUNCATE of entries is refused whoever sends it (an upsert over an entry is an UPDATE; a plain
            // insert of an existing sequence meets the primary key).
            migrationBuilder.Sql("""
                CREATE FUNCTION "AuditEntries_Refuse"() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    RAISE EXCEPTION 'audit-append-only';
                END
                $$;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "AuditEntries_NoUpdateOrDelete" BEFORE UPDATE OR DELETE ON "AuditEntries"
                FOR EACH ROW EXECUTE FUNCTION "AuditEntries_Refuse"();
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "AuditEntries_NoTruncate" BEFORE TRUNCATE ON "AuditEntries"
                FOR EACH STATEMENT EXECUTE FUNCTION "AuditEntries_Refuse"();
                """);

            // Quartz's job store, in the same database (it is not part of the EF model).
            foreach (var statement in QuartzSchema.CreateStatements(new PostgresQuartzDialect()))
                migrationBuilder.Sql(statement + ";");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            foreach (var statement in QuartzSchema.DropStatements())
                migrationBuilder.Sql(statement);
            migrationBuilder.Sql("""DROP TRIGGER IF EXISTS "AuditEntries_NoTruncate" ON "AuditEntries" """);
            migrationBuilder.Sql("""DROP TRIGGER IF EXISTS "AuditEntries_NoUpdateOrDelete" ON "AuditEntries" """);
            migrationBuilder.Sql("""DROP FUNCTION IF EXISTS "AuditEntries_Refuse"()""");
            migrationBuilder.Sql("""DROP TRIGGER IF EXISTS "Appointments_RequireCommittedDay" ON "Appointments" """);
            migrationBuilder.Sql("""DROP FUNCTION IF EXISTS "Appointments_TakeCommittedDay"()""");

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
