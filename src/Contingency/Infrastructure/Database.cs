namespace Contingency.Infrastructure;

using Contingency.Data;
using Contingency.Data.Providers;
using Contingency.Infrastructure.Audit;
using Contingency.Migrations.Postgres;
using Contingency.Migrations.Sqlite;
using Contingency.Migrations.SqlServer;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

/// <summary>
/// The provider switch: which database the service uses, where, and how it is prepared at start.
/// `Database:Provider` names the provider (Sqlite, the default, Postgres or SqlServer); `ConnectionStrings:Contingency`
/// says where (for SQLite it overrides the default file under data/ beside the content root).
/// Everything else about a provider lives in its own project (see <see cref="DatabaseProvider"/>).
/// </summary>
public static class Database
{
    /// <summary>Every provider the service knows; a new one is a project and a line here.</summary>
    public static readonly IReadOnlyList<DatabaseProvider> Providers = [SqliteProvider.Instance, PostgresProvider.Instance, SqlServerProvider.Instance];

    public static IServiceCollection AddContingencyDatabase(this IServiceCollection services)
    {
        services.AddSingleton(sp => Provider(sp.GetRequiredService<IConfiguration>())
            ?? throw new InvalidOperationException(UnsupportedProvider(sp.GetRequiredService<IConfiguration>())));
        services.AddSingleton<AuditInterceptor>();
        services.AddDbContextPool<ContingencyDb>((sp, options) =>
        {
            var config = sp.GetRequiredService<IConfiguration>();
            var provider = sp.GetRequiredService<DatabaseProvider>();
            provider.Configure(options, ConnectionString(config, sp.GetRequiredService<IHostEnvironment>()));
            options.AddInterceptors(sp.GetRequiredService<AuditInterceptor>())
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

    /// <summary>The configured provider; null when `Database:Provider` names none the service knows.</summary>
    public static DatabaseProvider? Provider(IConfiguration config)
    {
        var name = config["Database:Provider"];
        return string.IsNullOrEmpty(name)
            ? SqliteProvider.Instance // the default
            : Providers.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Why the configured provider cannot be used, in one line; null when it can.</summary>
    public static string? UnsupportedProvider(IConfiguration config) =>
        Provider(config) is { } provider
            ? provider.ConfigurationProblem(config.GetConnectionString("Contingency"))
            : $"Database:Provider '{config["Database:Provider"]}' is not supported; the supported providers are {string.Join(", ", Providers.Select(p => $"'{p.Name}'"))}.";

    /// <summary>The connection string the configured provider uses (its default when none is configured).</summary>
    public static string ConnectionString(IConfiguration config, IHostEnvironment env) =>
        RequiredProvider(config).ConnectionString(config.GetConnectionString("Contingency"), env.ContentRootPath);

    /// <summary>The directory the service keeps its files in: the SQLite file's, or data/ under the content root.</summary>
    public static string DataDirectory(IConfiguration config, IHostEnvironment env) =>
        RequiredProvider(config).DataDirectory(ConnectionString(config, env), env.ContentRootPath);

    private static DatabaseProvider RequiredProvider(IConfiguration config) =>
        Provider(config) ?? throw new InvalidOperationException(UnsupportedProvider(config));

    /// <summary>
    /// <c>Database:MigrateOnStart</c>: whether the service applies its migrations as it starts. True by
    /// default on SQLite (one node, nothing else to run them); false on a server database, where the
    /// <c>migrate</c> command runs once per release (a Kubernetes Job, a compose step) before the
    /// nodes start, so that several nodes never race to change the schema.
    /// </summary>
    public static bool MigrateOnStart(IConfiguration config) =>
        bool.TryParse(config["Database:MigrateOnStart"], out var configured) ? configured : Provider(config) is SqliteProvider;

    /// <summary>Why <c>Database:MigrateOnStart</c> cannot be read, in one line; null when it can.</summary>
    public static string? MigrateOnStartProblem(IConfiguration config) =>
        config["Database:MigrateOnStart"] is { Length: > 0 } text && !bool.TryParse(text, out _)
            ? $"Database:MigrateOnStart is true or false; '{text}' is neither."
            : null;

    /// <summary>Why the service cannot start on the database as it is, in one line (migrations not applied); null when it can.</summary>
    public static async Task<string?> PendingMigrationsProblem(this IServiceProvider services, CancellationToken ct = default)
    {
        await using var scope = services.CreateAsyncScope();
        var pending = (await scope.ServiceProvider.GetRequiredService<ContingencyDb>().Database.GetPendingMigrationsAsync(ct)).ToList();
        return pending.Count == 0 ? null
            : $"the database lacks {pending.Count} migration(s), up to {pending[^1]}; run the migrate command first (or set Database:MigrateOnStart=true).";
    }

    /// <summary>Applies the provider's migrations; the service never uses EnsureCreated.</summary>
    public static async Task MigrateDatabaseAsync(this IServiceProvider services, CancellationToken ct = default)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ContingencyDb>();
        await db.Database.MigrateAsync(ct);
        await scope.ServiceProvider.GetRequiredService<DatabaseProvider>().AfterMigrationsAsync(db, ct);
    }
}
