namespace Contingency.Tests.Slices;

using Contingency.Data;
using Contingency.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

public sealed class MigrationTests(ContingencyApp app) : IClassFixture<ContingencyApp>
{
    [Fact]
    public async Task The_migrations_describe_the_whole_model()
    {
        app.Api(); // starts the host, which migrates
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ContingencyDb>();
        Assert.False(db.Database.HasPendingModelChanges(), "the model changed without a migration");
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
    }

    /// <summary>A connection string per provider, only for building its model (none is opened).</summary>
    private static readonly Dictionary<string, string> ModelCheckConnections = new()
    {
        ["Sqlite"] = "Data Source=model-check.db",
        ["Postgres"] = "Host=localhost;Database=model-check",
        ["SqlServer"] = "Server=localhost;Database=model-check",
    };

    public static TheoryData<string, string> ModelChecks()
    {
        var data = new TheoryData<string, string>();
        foreach (var (provider, connectionString) in ModelCheckConnections) data.Add(provider, connectionString);
        return data;
    }

    [Fact]
    public void Every_provider_of_the_switch_is_checked_below()
    {
        // A provider added to the switch without a line above would go unchecked, and its migrations with it.
        Assert.Equal(Infrastructure.Database.Providers.Select(p => p.Name).Order(), ModelCheckConnections.Keys.Order());
    }

    [Theory]
    [MemberData(nameof(ModelChecks))]
    public void Every_provider_has_a_migration_for_the_model_as_it_is(string provider, string connectionString)
    {
        // Whichever database the suite runs on: the snapshot is compared with the model, no server needed.
        var options = new DbContextOptionsBuilder<ContingencyDb>();
        Infrastructure.Database.Providers.Single(p => p.Name == provider).Configure(options, connectionString);
        using var db = new ContingencyDb(options.Options);
        Assert.False(db.Database.HasPendingModelChanges(), $"the model changed without a {provider} migration");
    }

    [Fact]
    public async Task The_quartz_job_store_lives_in_the_same_database()
    {
        app.Api();
        await using var connection = app.OpenDatabase();
        await using var query = connection.CreateCommand();
        // PostgreSQL folds Quartz's unquoted names to lower case.
        query.CommandText = TestDatabase.IsPostgres
            ? "SELECT upper(table_name) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name LIKE 'qrtz\\_%' ORDER BY 1"
            : "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'QRTZ_%' ORDER BY name";
        var tables = new List<string>();
        await using (var reader = await query.ExecuteReaderAsync())
            while (await reader.ReadAsync()) tables.Add(reader.GetString(0));
        Assert.Equal(Contingency.Data.Scheduling.QuartzSchema.Tables.Select(t => "QRTZ_" + t.Name).Order(StringComparer.Ordinal), tables);
    }

    [Fact]
    public async Task The_scheduler_lock_rows_are_written_once_before_quartz_needs_them()
    {
        // Program.cs writes them at start, so that Quartz never races itself to insert them.
        app.Api();
        var name = app.Services.GetRequiredService<IConfiguration>()["Scheduler:Name"];
        await using var connection = app.OpenDatabase();
        await using var query = connection.CreateCommand();
        query.With("name", name);
        query.CommandText = "DELETE FROM QRTZ_LOCKS WHERE SCHED_NAME = @name";
        await query.ExecuteNonQueryAsync();

        // Twice, as a restart or a second node would: written once, then found.
        await Contingency.Infrastructure.Scheduling.PrepareLockRowsAsync(app.Services);
        await Contingency.Infrastructure.Scheduling.PrepareLockRowsAsync(app.Services);
        query.CommandText = "SELECT LOCK_NAME FROM QRTZ_LOCKS WHERE SCHED_NAME = @name ORDER BY LOCK_NAME";
        var locks = new List<string>();
        await using (var reader = await query.ExecuteReaderAsync())
            while (await reader.ReadAsync()) locks.Add(reader.GetString(0));
        Assert.Equal(["STATE_ACCESS", "TRIGGER_ACCESS"], locks);
    }

    /// <summary>The pragmas are SQLite's per-connection settings (PostgreSQL's are the server's): on SQLite in either suite run.</summary>
    [Fact]
    public async Task Every_sqlite_connection_of_the_pool_keeps_the_service_settings()
    {
        await using var sqlite = new ContingencyApp();
        sqlite.Settings["Database:Provider"] = "Sqlite";
        sqlite.Settings["ConnectionStrings:Contingency"] = $"Data Source={TempDatabase.NewPath()}";
        sqlite.Api();
        // Several contexts at once take several native connections from the pool; each is opened
        // and closed twice, so the second opening reuses a connection whose settings were applied once.
        for (var round = 0; round < 2; round++)
        {
            var scopes = Enumerable.Range(0, 4).Select(_ => sqlite.Services.CreateAsyncScope()).ToList();
            try
            {
                foreach (var scope in scopes)
                {
                    var db = scope.ServiceProvider.GetRequiredService<ContingencyDb>();
                    await db.Database.OpenConnectionAsync();
                    Assert.Equal(1L, await Pragma(db, "foreign_keys"));
                    Assert.Equal(30000L, await Pragma(db, "busy_timeout"));
                    Assert.Equal(1L, await Pragma(db, "synchronous")); // NORMAL
                }
            }
            finally
            {
                foreach (var scope in scopes) await scope.DisposeAsync();
            }
        }
    }

    private static async Task<long> Pragma(ContingencyDb db, string name)
    {
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = $"PRAGMA {name}";
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
