using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Contingency.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class CommitmentEndsOnToken : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Only the model changed: Commitments.EndsOn became a concurrency token; the schema stays.
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
        }
    }
}
