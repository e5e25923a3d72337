namespace Contingency.Migrations.SqlServer;

using Contingency.Data.Providers;
using Microsoft.Data.SqlClient;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Quartz;

/// <summary>
/// SQL Server: a server the service's nodes share. Instants are <c>datetimeoffset</c> held in UTC,
/// money <c>decimal(18,2)</c>, the booking/withdrawal rule and the append-only audit trail are
/// triggers (see the InitialCreate migration and <see cref="SqlServerTriggers"/>), and Quartz's store
/// can run clustered on it.
/// </summary>
public sealed class SqlServerProvider : DatabaseProvider
{
    public static readonly SqlServerProvider Instance = new();

    /// <summary>
    /// The error number the schema's triggers THROW, with the refusal's code as the message (as on
    /// PostgreSQL a RAISE EXCEPTION carries it). THROW takes numbers from 50000 up; 51000 to 51099 are
    /// kept for this schema, and only 51000 is used so far.
    /// </summary>
    public const int TriggerRefusal = 51000;

    /// <summary>A duplicate key in a unique index (2601) or a primary key or unique constraint (2627).</summary>
    private const int DuplicateKeyInIndex = 2601;
    private const int DuplicateKeyInConstraint = 2627;

    /// <summary>
    /// SQL Server 2019's level (EF Core 10's default, said here on purpose): the oldest server the
    /// generated SQL may assume. A database at a lower compatibility level is not supported.
    /// </summary>
    public const int CompatibilityLevel = 150;

    private SqlServerProvider() { }

    public override string Name => "SqlServer";

    public override bool SupportsClustering => true;

    public override string? ConfigurationProblem(string? configured) =>
        string.IsNullOrWhiteSpace(configured)
            ? $"Database:Provider '{Name}' needs ConnectionStrings:Contingency (a Microsoft.Data.SqlClient connection string)."
            : null;

    public override string ConnectionString(string? configured, string contentRoot) =>
        ConfigurationProblem(configured) is { } problem ? throw new InvalidOperationException(problem) : configured!;

    protected override void UseProvider(DbContextOptionsBuilder options, string connectionString) =>
        options.UseSqlServer(connectionString, o => o
            .MigrationsAssembly(typeof(SqlServerProvider).Assembly.GetName().Name)
            .UseCompatibilityLevel(CompatibilityLevel));

    public override void ConfigureConventions(ModelConfigurationBuilder conventions)
    {
        // datetimeoffset keeps whatever offset it is given; instants go in as UTC, so that the column
        // reads the same whoever wrote it (the service keeps them in UTC already; this makes it a
        // property of the column, parameters included).
        conventions.Properties<DateTimeOffset>().HaveConversion<ToUtcConverter>();
        // Money is exact: decimal(18,2) unless a property says otherwise (each says so today).
        conventions.Properties<decimal>().HavePrecision(18, 2);
        // EF Core must know which tables carry triggers (it then saves without an OUTPUT clause, which
        // SQL Server refuses on such a table). Declared here so the shared model names no provider.
        conventions.Conventions.Add(_ => new SqlServerTriggers());
    }

    public override void UseJobStore(IPersistentStoreBuilder store, string connectionString) =>
        store.UseSqlServer(SqlClientFactory.Instance, connectionString);

    // Every error of the exception is looked at, not only the first: an error raised inside a trigger
    // (the INSERT an INSTEAD OF trigger makes) may come with others about the aborted batch.
    public override bool IsUniqueViolation(Exception exception) =>
        exception is SqlException e && e.Errors.Cast<SqlError>().Any(x => x.Number is DuplicateKeyInIndex or DuplicateKeyInConstraint);

    /// <summary>Chosen as a deadlock victim (1205), or a lock not granted within the lock timeout (1222).</summary>
    public override bool IsTransientConflict(Exception exception) =>
        exception is SqlException e && e.Errors.Cast<SqlError>().Any(x => x.Number is 1205 or 1222);

    // -2: the client's command timeout expired.
    public override bool IsTimeout(Exception exception) => exception is SqlException { Number: -2 };

    public override bool IsRefusedByTrigger(Exception exception, string code) =>
        exception is SqlException e && e.Errors.Cast<SqlError>().Any(x => x.Number == TriggerRefusal && x.Message == code);

    private sealed class ToUtcConverter() : ValueConverter<DateTimeOffset, DateTimeOffset>(
        v => v.ToUniversalTime(),
        v => v.ToUniversalTime());
}
