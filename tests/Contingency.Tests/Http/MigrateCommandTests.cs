namespace Contingency.Tests.Http;

using Contingency.Tests.Support;
using Microsoft.Data.Sqlite;

/// <summary>
/// Migrations as an operator applies them: the <c>migrate</c> command applies them and exits, and a
/// service told not to migrate on start refuses, in one line, a database that lacks some.
/// </summary>
public sealed class MigrateCommandTests
{
    private static Task<(int Exit, string Out, string Error)> Run(string database, params string[] args) =>
        ServiceProcess.RunAsync(Path.GetDirectoryName(database)!, new Dictionary<string, string>
        {
            ["ConnectionStrings__Contingency"] = $"Data Source={database}",
            ["Database__Provider"] = "Sqlite",
            ["Auth__SigningKey"] = "migrate-command-tests-signing-key-0123456789",
        }, args);

    private static string NewDatabase()
    {
        var dir = Path.Combine(Path.GetTempPath(), "contingency-tests", "migrate-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return Path.Combine(dir, "contingency.db");
    }

    private static long AppliedMigrations(string database)
    {
        using var connection = new SqliteConnection($"Data Source={database};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM __EFMigrationsHistory";
        return (long)command.ExecuteScalar()!;
    }

    [Fact]
    public async Task The_migrate_command_applies_every_migration_and_exits_and_a_second_run_changes_nothing()
    {
        var database = NewDatabase();
        var (exit, output, error) = await Run(database, "migrate");
        Assert.True(exit == 0, error);
        Assert.Contains("contingency: the database is up to date.", output);
        var migrations = typeof(Contingency.Migrations.Sqlite.SqliteProvider).Assembly.GetTypes()
            .Count(t => t.GetCustomAttributes(typeof(Microsoft.EntityFrameworkCore.Migrations.MigrationAttribute), false).Length > 0);
        Assert.Equal(migrations, AppliedMigrations(database));

        Assert.Equal(0, (await Run(database, "migrate")).Exit);
        Assert.Equal(migrations, AppliedMigrations(database));
    }

    [Fact]
    public async Task On_sql_server_the_migrate_command_reaches_for_the_server_and_says_in_one_line_that_it_is_not_there()
    {
        // No SQL Server runs here; what this proves is that its client starts in the service's runtime
        // (it refuses to in .NET's invariant-globalization mode) and tries the network, and that an
        // operator's failed migration step ends with one line and exit code 1, not a stack trace.
        var dir = Path.GetDirectoryName(NewDatabase())!;
        var (exit, output, error) = await ServiceProcess.RunAsync(dir, new Dictionary<string, string>
        {
            ["Database__Provider"] = "SqlServer",
            ["ConnectionStrings__Contingency"] = "Server=127.0.0.1,1;Database=contingency;User ID=sa;Password=unused-9f1c;Connect Timeout=2;ConnectRetryCount=0",
            ["Auth__SigningKey"] = "migrate-command-tests-signing-key-0123456789",
        }, "migrate");
        Assert.Equal(1, exit);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("contingency: the migrations could not be applied: A network-related or instance-specific error", line);
        Assert.DoesNotContain("unused-9f1c", line + output);
    }

    [Fact]
    public async Task A_service_that_does_not_migrate_on_start_refuses_an_unmigrated_database_in_one_line()
    {
        var database = NewDatabase();
        var (exit, _, error) = await Run(database, "--Database:MigrateOnStart=false");
        Assert.Equal(2, exit);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("contingency: the database lacks ", line);
        Assert.Contains("run the migrate command first", line);

        Assert.Equal(2, (await Run(database, "--Database:MigrateOnStart=perhaps")).Exit);
    }
}
