namespace Contingency.Infrastructure;

using System.Data.Common;
using System.Runtime.CompilerServices;
using Contingency.Data;
using Contingency.Infrastructure.Audit;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

/// <summary>
/// The provider switch: which database the service uses, where, and how it is prepared at start.
/// `Database:Provider` names the provider (only Sqlite so far); `ConnectionStrings:Contingency`
/// overrides the default file under data/ beside the content root.
/// </summary>
public static class Database
{
    public const string Sqlite = "Sqlite";

    public static IServiceCollection AddContingencyDatabase(this IServiceCollection services)
    {
        services.AddSingleton<SqliteConnectionSettings>();
        services.AddSingleton<AuditInterceptor>();
        services.AddDbContextPool<ContingencyDb>((sp, options) =>
        {
            var config = sp.GetRequiredService<IConfiguration>();
            if (UnsupportedProvider(config) is { } problem) throw new InvalidOperationException(problem);
            var connectionString = SqliteConnectionString(config, sp.GetRequiredService<IHostEnvironment>());
            options.UseSqlite(connectionString, o => o.MigrationsAssembly("Contingency.Migrations.Sqlite"))
                .AddInterceptors(sp.GetRequiredService<SqliteConnectionSettings>(), sp.GetRequiredService<AuditInterceptor>())
                // Any other interceptor registered in the container (diagnostics, fault injection in tests).
                .AddInterceptors(sp.GetServices<IInterceptor>())
                // A unique-index refusal is an expected answer (slot-taken, duplicate-npi), handled where it
                // happens; EF would otherwise log each one as an error with a stack trace. Failures nobody
                // handles are still logged, once, by the problem-details handler.
                .ConfigureWarnings(w => w.Log(
                    (RelationalEventId.CommandError, LogLevel.Debug),
                    (CoreEventId.SaveChangesFailed, LogLevel.Debug)));
        });
        return services;
    }

    /// <summary>Why the configured provider cannot be used, in one line; null when it can.</summary>
    public static string? UnsupportedProvider(IConfiguration config)
    {
        var provider = config["Database:Provider"];
        return string.IsNullOrEmpty(provider) || string.Equals(provider, Sqlite, StringComparison.OrdinalIgnoreCase)
            ? null
            : $"Database:Provider '{provider}' is not supported; the supported provider is '{Sqlite}'.";
    }

    public static string SqliteConnectionString(IConfiguration config, IHostEnvironment env)
    {
        var configured = config.GetConnectionString("Contingency");
        var builder = new SqliteConnectionStringBuilder(
            string.IsNullOrWhiteSpace(configured)
                ? $"Data Source={Path.Combine(env.ContentRootPath, "data", "contingency.db")}"
                : configured);
        // Requests wait for the write lock rather than fail (Microsoft.Data.Sqlite retries SQLITE_BUSY
        // for this long); the busy_timeout pragma below does the same inside SQLite itself.
        if (builder.DefaultTimeout < 30) builder.DefaultTimeout = 30;
        if (builder.DataSource is { Length: > 0 } file && file != ":memory:" && builder.Mode != SqliteOpenMode.Memory)
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(file))!);
        return builder.ToString();
    }

    /// <summary>The directory the service keeps its files in: the SQLite file's, or data/ under the content root.</summary>
    public static string DataDirectory(IConfiguration config, IHostEnvironment env)
    {
        var builder = new SqliteConnectionStringBuilder(SqliteConnectionString(config, env));
        return builder.DataSource is { Length: > 0 } file && file != ":memory:" && builder.Mode != SqliteOpenMode.Memory
            ? Path.GetDirectoryName(Path.GetFullPath(file))!
            : Path.Combine(env.ContentRootPath, "data");
    }

    /// <summary>Applies the provider's migrations; the service never uses EnsureCreated.</summary>
    public static async Task MigrateDatabaseAsync(this IServiceProvider services, CancellationToken ct = default)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ContingencyDb>();
        await db.Database.MigrateAsync(ct);
        if (db.Database.IsSqlite())
            // WAL lets readers go on while one writer commits; it is a property of the file, set once.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
    }

    /// <summary>
    /// Per-connection SQLite settings. They belong to the native connection, which the pool keeps
    /// open between uses, so they are applied the first time each native connection opens.
    /// </summary>
    private sealed class SqliteConnectionSettings : DbConnectionInterceptor
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
