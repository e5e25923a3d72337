namespace Contingency.Migrations.Sqlite;

using System.Data.Common;
using System.Runtime.CompilerServices;
using Contingency.Data.Providers;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Quartz;

/// <summary>
/// SQLite: one file, one node. The default provider: with no configuration the service keeps its
/// file under data/ beside the content root and migrates it at start.
/// </summary>
public sealed class SqliteProvider : DatabaseProvider
{
    public static readonly SqliteProvider Instance = new();

    private const int SqliteConstraintUnique = 2067;
    private const int SqliteConstraintPrimaryKey = 1555;
    private const int SqliteConstraintTrigger = 1811;

    private SqliteProvider() { }

    public override string Name => "Sqlite";

    // Quartz refuses a clustered store on SQLite: its locks are the file's, one writer on one machine.
    public override bool SupportsClustering => false;

    public override string ConnectionString(string? configured, string contentRoot)
    {
        var builder = new SqliteConnectionStringBuilder(
            string.IsNullOrWhiteSpace(configured)
                ? $"Data Source={Path.Combine(contentRoot, "data", "contingency.db")}"
                : configured);
        // Requests wait for the write lock rather than fail (Microsoft.Data.Sqlite retries SQLITE_BUSY
        // for this long); the busy_timeout pragma below does the same inside SQLite itself.
        if (builder.DefaultTimeout < 30) builder.DefaultTimeout = 30;
        if (IsFile(builder)) Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(builder.DataSource))!);
        return builder.ToString();
    }

    /// <summary>The SQLite file's directory.</summary>
    public override string DataDirectory(string connectionString, string contentRoot)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        return IsFile(builder) ? Path.GetDirectoryName(Path.GetFullPath(builder.DataSource))! : base.DataDirectory(connectionString, contentRoot);
    }

    private static bool IsFile(SqliteConnectionStringBuilder builder) =>
        builder.DataSource is { Length: > 0 } file && file != ":memory:" && builder.Mode != SqliteOpenMode.Memory;

    protected override void UseProvider(DbContextOptionsBuilder options, string connectionString) =>
        options.UseSqlite(connectionString, o => o.MigrationsAssembly(typeof(SqliteProvider).Assembly.GetName().Name))
            .AddInterceptors(new ConnectionSettings());

    public override void ConfigureConventions(ModelConfigurationBuilder conventions)
    {
        // SQLite has no instant type and cannot compare or order EF's text form of DateTimeOffset.
        // Instants are UTC throughout, so here they are stored as UTC ticks: exact, ordered, indexable.
        conventions.Properties<DateTimeOffset>().HaveConversion<UtcTicksConverter>();
        // SQLite has no decimal type either: money is stored as whole cents, exact and summable.
        conventions.Properties<decimal>().HaveConversion<CentsConverter>();
    }

    public override void UseJobStore(IPersistentStoreBuilder store, string connectionString) => store.UseSqlite(connectionString);

    public override bool IsUniqueViolation(Exception exception) =>
        exception is SqliteException e && e.SqliteExtendedErrorCode is SqliteConstraintUnique or SqliteConstraintPrimaryKey;

    // The schema's triggers refuse with RAISE(ABORT, code).
    // The file stayed locked past busy_timeout (SQLITE_BUSY 5, SQLITE_LOCKED 6): rare, with every
    // write taking the lock at its start, but a retry is the answer if it happens.
    public override bool IsTransientConflict(Exception exception) =>
        exception is SqliteException { SqliteErrorCode: 5 or 6 };

    public override bool IsRefusedByTrigger(Exception exception, string code) =>
        exception is SqliteException e && e.SqliteExtendedErrorCode == SqliteConstraintTrigger && e.Message.Contains(code, StringComparison.Ordinal);

    // WAL lets readers go on while one writer commits; it is a property of the file, set once.
    // Then the planner's statistics are refreshed: an index a migration added has none, and with the
    // others' stale figures SQLite can prefer it to the covering index a report is built on (the
    // capacity query went from 0.4 s to 1.9 s that way). analysis_limit samples each index instead of
    // reading it whole, so this takes milliseconds on a gigabyte file.
    public override async Task AfterMigrationsAsync(DbContext db, CancellationToken ct)
    {
        await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
        await db.Database.ExecuteSqlRawAsync("PRAGMA analysis_limit=1000; ANALYZE;", ct);
    }

    private sealed class UtcTicksConverter() : ValueConverter<DateTimeOffset, long>(
        v => v.UtcTicks,
        v => new DateTimeOffset(v, TimeSpan.Zero));

    // Amounts carry at most two decimals (validated on the way in); reading back multiplies by
    // 0.01m so the value keeps a scale of two: 150.00, not 150.
    private sealed class CentsConverter() : ValueConverter<decimal, long>(
        v => (long)(v * 100m),
        v => v * 0.01m);

    /// <summary>
    /// Per-connection SQLite settings. They belong to the native connection, which the pool keeps
    /// open between uses, so they are applied the first time each native connection opens.
    /// </summary>
    private sealed class ConnectionSettings : DbConnectionInterceptor
    {
        private const string Pragmas = "PRAGMA busy_timeout=30000; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;";
        private readonly ConditionalWeakTable<object, object> applied = [];

        public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
        {
            if (Applied(connection)) return;
            using var command = connection.CreateCommand();
            command.CommandText = Pragmas;
            command.ExecuteNonQuery();
            MarkApplied(connection);
        }

        public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            if (Applied(connection)) return;
            await using var command = connection.CreateCommand();
            command.CommandText = Pragmas;
            await command.ExecuteNonQueryAsync(cancellationToken);
            MarkApplied(connection);
        }

        // A native connection serves one opener at a time, so there is no race between the two.
        private bool Applied(DbConnection connection) =>
            connection is SqliteConnection { Handle: { } native } && applied.TryGetValue(native, out _);

        private void MarkApplied(DbConnection connection)
        {
            if (connection is SqliteConnection { Handle: { } native }) applied.AddOrUpdate(native, native);
        }
    }
}
