namespace Contingency.Migrations.Postgres;

using Contingency.Data.Providers;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Npgsql;
using Quartz;

/// <summary>
/// PostgreSQL: a server the service's nodes share. Instants are <c>timestamptz</c>, money
/// <c>numeric(18,2)</c>, the booking/withdrawal rule and the append-only audit trail are triggers
/// (see the InitialCreate migration), and Quartz's store can run clustered on it.
/// </summary>
public sealed class PostgresProvider : DatabaseProvider
{
    public static readonly PostgresProvider Instance = new();

    /// <summary>The SQLSTATE a plain RAISE EXCEPTION carries; the schema's triggers put their code in the message.</summary>
    private const string RaiseException = "P0001";

    private PostgresProvider() { }

    public override string Name => "Postgres";

    public override bool SupportsClustering => true;

    public override string? ConfigurationProblem(string? configured) =>
        string.IsNullOrWhiteSpace(configured)
            ? $"Database:Provider '{Name}' needs ConnectionStrings:Contingency (an Npgsql connection string)."
            : null;

    public override string ConnectionString(string? configured, string contentRoot) =>
        ConfigurationProblem(configured) is { } problem ? throw new InvalidOperationException(problem) : configured!;

    protected override void UseProvider(DbContextOptionsBuilder options, string connectionString) =>
        options.UseNpgsql(connectionString, o => o.MigrationsAssembly(typeof(PostgresProvider).Assembly.GetName().Name));

    // timestamptz holds instants, which Npgsql writes only from UTC values: every instant goes in as UTC
    // (the service keeps them so already; this makes it a property of the column, parameters included).
    public override void ConfigureConventions(ModelConfigurationBuilder conventions) =>
        conventions.Properties<DateTimeOffset>().HaveConversion<ToUtcConverter>();

    public override void UseJobStore(IPersistentStoreBuilder store, string connectionString) =>
        store.UsePostgres(NpgsqlFactory.Instance, connectionString);

    public override bool IsUniqueViolation(Exception exception) =>
        exception is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };

    public override bool IsTransientConflict(Exception exception) =>
        exception is PostgresException { SqlState: PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.LockNotAvailable };

    // statement_timeout ended the statement (the driver's own timeout surfaces as a TimeoutException inside).
    public override bool IsTimeout(Exception exception) => exception is PostgresException { SqlState: PostgresErrorCodes.QueryCanceled };

    public override bool IsRefusedByTrigger(Exception exception, string code) =>
        exception is PostgresException { SqlState: RaiseException } e && e.MessageText == code;

    private sealed class ToUtcConverter() : ValueConverter<DateTimeOffset, DateTimeOffset>(
        v => v.ToUniversalTime(),
        v => v.ToUniversalTime());
}
