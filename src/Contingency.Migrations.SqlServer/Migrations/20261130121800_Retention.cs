using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Contingency.Migrations.SqlServer.Migrations
{
    /// <inheritdoc />
    public partial class Retention : Migration
    {
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
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
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
