using Contingency.Data;
using Contingency.Data.Scheduling;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Contingency.Migrations.Sqlite.Migrations
{
    /// <summary>Quartz's job store, in the application's own database (written by hand: it is not part of the EF model).</summary>
    [DbContext(typeof(ContingencyDb))]
    [Migration("20261129163000_QuartzJobStore")]
    public partial class QuartzJobStore : Migration
    {
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            foreach (var statement in QuartzSchema.CreateStatements(new SqliteQuartzDialect()))
                migrationBuilder.Sql(statement);
        }

        protected override void Down(MigrationBuilder migrationBuilder)
        {
            foreach (var statement in QuartzSchema.DropStatements())
                migrationBuilder.Sql(statement);
        }
    }
}
