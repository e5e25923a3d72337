namespace Contingency.Tests.Rules;

using Contingency.Tests.Support;
using Contingency.Data.Scheduling;
using Contingency.Infrastructure;
using Contingency.Migrations.Postgres;
using Contingency.Migrations.Sqlite;
using Contingency.Migrations.SqlServer;
using Microsoft.Extensions.Configuration;

/// <summary>Which provider `Database:Provider` selects, what each refuses at start, and how each spells Quartz's tables.</summary>
public sealed class ProviderSwitchTests
{
    private static IConfiguration Config(params (string Key, string Value)[] settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value))).Build();

    public static TheoryData<Exception, bool> Races => new()
    {
        { new Npgsql.PostgresException("deadlock detected", "ERROR", "ERROR", "40P01"), true },
        { new Npgsql.PostgresException("could not serialize access", "ERROR", "ERROR", "40001"), true },
        { new Microsoft.EntityFrameworkCore.DbUpdateException("save failed", new Npgsql.PostgresException("deadlock detected", "ERROR", "ERROR", "40P01")), true },
        { new Npgsql.PostgresException("duplicate key value", "ERROR", "ERROR", "23505"), false },
        { new Microsoft.Data.Sqlite.SqliteException("database is locked", 5), true },
        { new Microsoft.EntityFrameworkCore.DbUpdateException("save failed", new Microsoft.Data.Sqlite.SqliteException("database is locked", 5)), true },
        { new Microsoft.Data.Sqlite.SqliteException("UNIQUE constraint failed", 19), false },
        { new Microsoft.EntityFrameworkCore.DbUpdateConcurrencyException("row changed"), true },
        { new InvalidOperationException("a bug"), false },
    };

    [Theory]
    [MemberData(nameof(Races))]
    public void A_write_that_lost_to_another_transaction_is_run_again_and_nothing_else_is(Exception exception, bool lostRace) =>
        Assert.Equal(lostRace, LostRaces.IsLostRace(exception));

    [Theory]
    [InlineData(null, "Sqlite")]
    [InlineData("", "Sqlite")]
    [InlineData("Sqlite", "Sqlite")]
    [InlineData("sqlite", "Sqlite")]
    [InlineData("Postgres", "Postgres")]
    [InlineData("POSTGRES", "Postgres")]
    [InlineData("SqlServer", "SqlServer")]
    [InlineData("sqlserver", "SqlServer")]
    public void The_setting_names_the_provider(string? setting, string expected)
    {
        var config = setting is null ? Config() : Config(("Database:Provider", setting));
        Assert.Equal(expected, Database.Provider(config)?.Name);
    }

    [Theory]
    [InlineData("Oracle")]
    [InlineData("PostgreSQL")]
    [InlineData("MSSQL")]
    public void Another_provider_is_refused_in_one_line_naming_the_supported_ones(string setting)
    {
        var config = Config(("Database:Provider", setting));
        Assert.Null(Database.Provider(config));
        Assert.Equal($"Database:Provider '{setting}' is not supported; the supported providers are 'Sqlite', 'Postgres', 'SqlServer'.",
            Database.UnsupportedProvider(config));
    }

    [Theory]
    [InlineData("Postgres", "an Npgsql connection string", "Host=db;Database=contingency;Password=secret-7d0e")]
    [InlineData("SqlServer", "a Microsoft.Data.SqlClient connection string", "Server=db;Database=contingency;User ID=contingency;Password=secret-7d0e")]
    public void A_server_database_needs_a_connection_string_and_the_problem_names_the_setting_only(string provider, string kind, string connectionString)
    {
        Assert.Equal($"Database:Provider '{provider}' needs ConnectionStrings:Contingency ({kind}).",
            Database.UnsupportedProvider(Config(("Database:Provider", provider))));
        Assert.Equal($"Database:Provider '{provider}' needs ConnectionStrings:Contingency ({kind}).",
            Database.UnsupportedProvider(Config(("Database:Provider", provider), ("ConnectionStrings:Contingency", " "))));
        Assert.Null(Database.UnsupportedProvider(Config(("Database:Provider", provider), ("ConnectionStrings:Contingency", connectionString))));
        // SQLite needs none: it has a default file.
        Assert.Null(Database.UnsupportedProvider(Config()));
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("Sqlite", true)]
    [InlineData("Postgres", false)]
    [InlineData("SqlServer", false)]
    public void Only_sqlite_migrates_as_it_starts_unless_told(string? provider, bool migrates)
    {
        var config = provider is null ? Config() : Config(("Database:Provider", provider));
        Assert.Equal(migrates, Database.MigrateOnStart(config));
    }

    [Fact]
    public void Each_dialect_spells_every_quartz_table_with_its_own_types()
    {
        var sqlite = QuartzSchema.CreateStatements(new SqliteQuartzDialect()).ToList();
        var postgres = QuartzSchema.CreateStatements(new PostgresQuartzDialect()).ToList();
        var sqlServer = QuartzSchema.CreateStatements(new SqlServerQuartzDialect()).ToList();
        foreach (var table in QuartzSchema.Tables)
        {
            Assert.Single(sqlite, s => s.StartsWith($"CREATE TABLE QRTZ_{table.Name} (", StringComparison.Ordinal));
            Assert.Single(postgres, s => s.StartsWith($"CREATE TABLE QRTZ_{table.Name} (", StringComparison.Ordinal));
            Assert.Single(sqlServer, s => s.StartsWith($"CREATE TABLE QRTZ_{table.Name} (", StringComparison.Ordinal));
        }
        var triggers = postgres.Single(s => s.StartsWith("CREATE TABLE QRTZ_TRIGGERS (", StringComparison.Ordinal));
        Assert.Contains("  NEXT_FIRE_TIME BIGINT NULL", triggers);
        Assert.Contains("  PREFERRED_NODE_AUTO BOOLEAN NOT NULL DEFAULT FALSE", triggers);
        Assert.Contains("  JOB_DATA BYTEA NULL", triggers);
        Assert.Contains("  TRIGGER_NAME VARCHAR(150) NOT NULL", triggers);
        Assert.Contains("  PREFERRED_NODE_AUTO INTEGER NOT NULL DEFAULT 0", sqlite.Single(s => s.StartsWith("CREATE TABLE QRTZ_TRIGGERS (", StringComparison.Ordinal)));
        // SQL Server: the types of Quartz.NET's own SQL Server schema.
        var sqlServerTriggers = sqlServer.Single(s => s.StartsWith("CREATE TABLE QRTZ_TRIGGERS (", StringComparison.Ordinal));
        Assert.Contains("  NEXT_FIRE_TIME BIGINT NULL", sqlServerTriggers);
        Assert.Contains("  PRIORITY INT NULL", sqlServerTriggers);
        Assert.Contains("  PREFERRED_NODE_AUTO BIT NOT NULL DEFAULT 0", sqlServerTriggers);
        Assert.Contains("  JOB_DATA VARBINARY(MAX) NULL", sqlServerTriggers);
        Assert.Contains("  TRIGGER_NAME NVARCHAR(150) NOT NULL", sqlServerTriggers);
        Assert.Contains("  DEC_PROP_1 NUMERIC(13,4) NULL", sqlServer.Single(s => s.StartsWith("CREATE TABLE QRTZ_SIMPROP_TRIGGERS (", StringComparison.Ordinal)));
        // PostgreSQL and SQL Server enforce the cascades themselves; SQLite's Quartz connections leave foreign keys off, so triggers do it.
        Assert.DoesNotContain(postgres, s => s.StartsWith("CREATE TRIGGER", StringComparison.Ordinal));
        Assert.DoesNotContain(sqlServer, s => s.StartsWith("CREATE TRIGGER", StringComparison.Ordinal));
        Assert.Equal(QuartzSchema.Tables.Count(t => t.ForeignKeys.Any(fk => fk.Cascade)),
            sqlite.Count(s => s.StartsWith("CREATE TRIGGER", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("Oracle", null, null)]
    [InlineData("Postgres", null, null)]
    [InlineData("SqlServer", null, null)]
    [InlineData("Sqlite", null, "true")]
    public async Task The_service_refuses_to_start_with_one_line_and_exit_code_2(string provider, string? connectionString, string? clustered)
    {
        var dir = Path.Combine(Path.GetTempPath(), "contingency-tests", "switch-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var environment = new Dictionary<string, string> { ["Database__Provider"] = provider };
        if (connectionString is not null) environment["ConnectionStrings__Contingency"] = connectionString;
        if (clustered is not null) environment["Scheduler__Clustered"] = clustered;
        var (exit, stdout, stderr) = await ServiceProcess.RunAsync(dir, environment);

        Assert.Equal(2, exit);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith(clustered is null ? $"contingency: Database:Provider '{provider}'" : "contingency: Scheduler:Clustered is true", line);
        Assert.Equal("", stdout);
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir));
    }

    [Theory]
    [InlineData(null, null, null)]
    [InlineData("Sqlite", "false", null)]
    [InlineData("Postgres", "true", null)]
    [InlineData("SqlServer", "true", null)]
    [InlineData("SqlServer", "false", null)]
    [InlineData("Sqlite", "true", "Scheduler:Clustered is true, but Database:Provider 'Sqlite' runs the scheduler on one node only; cluster on a server database (Database:Provider 'Postgres' or 'SqlServer').")]
    [InlineData(null, "true", "Scheduler:Clustered is true, but Database:Provider 'Sqlite' runs the scheduler on one node only; cluster on a server database (Database:Provider 'Postgres' or 'SqlServer').")]
    [InlineData("Postgres", "yes", "Scheduler:Clustered must be true or false.")]
    [InlineData("SqlServer", "yes", "Scheduler:Clustered must be true or false.")]
    public void Only_a_server_database_takes_a_clustered_scheduler(string? provider, string? clustered, string? problem)
    {
        var settings = new List<(string, string)>();
        if (provider is not null) settings.Add(("Database:Provider", provider));
        if (clustered is not null) settings.Add(("Scheduler:Clustered", clustered));
        Assert.Equal(problem, Scheduling.ConfigurationProblem(Config([.. settings])));
    }

    [Fact]
    public void The_cluster_takes_over_a_dead_node_within_30_seconds()
    {
        // Died just after a check-in: stale after interval + threshold, noticed at most one interval later.
        Assert.True(Scheduling.CheckinInterval * 2 + Scheduling.CheckinMisfireThreshold < TimeSpan.FromSeconds(30));
        // A trigger held up by a failover still fires as itself, not as a misfire.
        Assert.True(Scheduling.MisfireThreshold > Scheduling.CheckinInterval * 2 + Scheduling.CheckinMisfireThreshold);
    }
}
