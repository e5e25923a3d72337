namespace Contingency.Tests.Slices;

using System.Text;
using Contingency.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

/// <summary>
/// The idempotent scripts in deploy/sql are what a DBA applies: each must be exactly what
/// <c>deploy/sql/generate</c> (dotnet ef migrations script --idempotent) writes from the migrations as
/// they are now. The script is made here the way dotnet ef makes it, through the provider's design-time
/// factory, and compared byte for byte with the committed file (dotnet ef writes UTF-8 with a byte-order
/// mark, lines ending as the platform ends them).
/// </summary>
public sealed class DeploySqlTests
{
    public static TheoryData<string> Scripts() => ["postgres.sql", "sqlserver.sql"];

    [Theory]
    [MemberData(nameof(Scripts))]
    public void The_committed_script_is_what_the_migrations_generate(string file)
    {
        IDesignTimeDbContextFactory<ContingencyDb> factory = file switch
        {
            "postgres.sql" => new Contingency.Migrations.Postgres.DesignTimeFactory(),
            "sqlserver.sql" => new Contingency.Migrations.SqlServer.DesignTimeFactory(),
            _ => throw new ArgumentOutOfRangeException(nameof(file)),
        };
        using var db = factory.CreateDbContext([]);
        var generated = db.GetService<IMigrator>().GenerateScript(options: MigrationsSqlGenerationOptions.Idempotent);
        var expected = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(generated)).ToArray();

        var path = Path.Combine(Support.RepositoryFiles.Root, "deploy", "sql", file);
        Assert.True(File.Exists(path), $"deploy/sql/{file} is missing: run deploy/sql/generate and commit what it writes.");
        Assert.True(expected.AsSpan().SequenceEqual(File.ReadAllBytes(path)),
            $"deploy/sql/{file} is stale (the migrations changed since it was written): run deploy/sql/generate and commit what it writes.");
    }

    /// <summary>
    /// The PostgreSQL script runs as a DBA would run it (psql stops at the first error), on an empty
    /// database and then again on the same one: every migration is recorded once, and the triggers are there.
    /// Only the PostgreSQL pass of the suite has a server to run it on; the SQL Server script is parsed instead.
    /// </summary>
    [Fact]
    public void On_postgresql_the_script_applies_to_an_empty_database_and_again()
    {
        if (!Support.TestDatabase.IsPostgres) return;
        var database = Support.TempDatabase.NewPath();
        try
        {
            using var connection = Support.TestDatabase.Open(database);
            var script = File.ReadAllText(Path.Combine(Support.RepositoryFiles.Root, "deploy", "sql", "postgres.sql"));
            for (var run = 0; run < 2; run++)
            {
                using var apply = connection.CreateCommand();
                apply.CommandText = script;
                apply.CommandTimeout = 120;
                apply.ExecuteNonQuery();
            }
            using var db = new Contingency.Migrations.Postgres.DesignTimeFactory().CreateDbContext([]);
            using var recorded = connection.CreateCommand();
            recorded.CommandText = """SELECT COUNT(*) FROM "__EFMigrationsHistory" """;
            Assert.Equal(db.Database.GetMigrations().Count(), Convert.ToInt32(recorded.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture));
            using var triggers = connection.CreateCommand();
            triggers.CommandText = """SELECT COUNT(*) FROM pg_trigger WHERE tgname IN ('Appointments_CountBooked', 'Appointments_RequireCommittedDay')""";
            Assert.Equal(2, Convert.ToInt32(triggers.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture));
        }
        finally
        {
            Support.TestDatabase.Drop(database);
        }
    }
}
