namespace Contingency.Data.Providers;

using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Quartz;

/// <summary>
/// Everything that differs between the databases the service runs on, in one place per provider:
/// the EF Core provider and its migrations assembly, how instants and money are stored, how a
/// unique-index or trigger refusal is recognised, and Quartz's job store. Each provider is one
/// project (its migration set and a subclass of this); the executable's provider switch names them.
/// The data model and the features never name a provider.
/// </summary>
public abstract class DatabaseProvider
{
    /// <summary>The value of <c>Database:Provider</c> that selects this provider.</summary>
    public abstract string Name { get; }

    /// <summary>Whether Quartz can run clustered on this database.</summary>
    public abstract bool SupportsClustering { get; }

    /// <summary>Why the configured connection string cannot serve this provider, in one line naming the setting (never its value); null when it can.</summary>
    public virtual string? ConfigurationProblem(string? configured) => null;

    /// <summary>
    /// The connection string to use: the configured one (null when none), completed with what the
    /// service needs (timeouts), or this provider's default under <paramref name="contentRoot"/>.
    /// </summary>
    public abstract string ConnectionString(string? configured, string contentRoot);

    /// <summary>Where the service keeps its own files (the generated signing key) for this connection.</summary>
    public virtual string DataDirectory(string connectionString, string contentRoot) => Path.Combine(contentRoot, "data");

    /// <summary>The EF Core provider, its migrations assembly, its conventions and connection settings.</summary>
    public void Configure(DbContextOptionsBuilder options, string connectionString)
    {
        UseProvider(options, connectionString);
        ((IDbContextOptionsBuilderInfrastructure)options).AddOrUpdateExtension(new ProviderExtension(this));
    }

    protected abstract void UseProvider(DbContextOptionsBuilder options, string connectionString);

    /// <summary>How this database stores the model's types (ContingencyDb asks at model building).</summary>
    public virtual void ConfigureConventions(ModelConfigurationBuilder conventions) { }

    /// <summary>Quartz's ADO job store on this database, with the delegate that speaks its dialect.</summary>
    public abstract void UseJobStore(IPersistentStoreBuilder store, string connectionString);

    /// <summary>True when <paramref name="exception"/> is this database refusing a duplicate key of a unique index.</summary>
    public abstract bool IsUniqueViolation(Exception exception);

    /// <summary>
    /// True when <paramref name="exception"/> is this database ending a transaction because it lost to
    /// another one (a deadlock victim, a serialization failure, a lock not granted in time): nothing
    /// was written, and the same write run again is expected to go through.
    /// </summary>
    public abstract bool IsTransientConflict(Exception exception);

    /// <summary>True when the driver gave up waiting for the database (a command or statement timeout), for the error metric.</summary>
    public virtual bool IsTimeout(Exception exception) => false;

    /// <summary>True when <paramref name="exception"/> is a trigger of the schema refusing a write with <paramref name="code"/>.</summary>
    public abstract bool IsRefusedByTrigger(Exception exception, string code);

    /// <summary>Settings of the database itself, applied once after the migrations.</summary>
    public virtual Task AfterMigrationsAsync(DbContext db, CancellationToken ct) => Task.CompletedTask;

    /// <summary>The provider a context was configured with (see <see cref="Configure"/>), if any.</summary>
    public static DatabaseProvider? Of(IDbContextOptions options) => options.FindExtension<ProviderExtension>()?.Provider;

    /// <summary>Carries the provider inside the context's options, so the model can ask it for conventions.</summary>
    private sealed class ProviderExtension(DatabaseProvider provider) : IDbContextOptionsExtension
    {
        private DbContextOptionsExtensionInfo? info;

        public DatabaseProvider Provider => provider;

        public DbContextOptionsExtensionInfo Info => info ??= new ExtensionInfo(this);

        public void ApplyServices(IServiceCollection services) { }

        public void Validate(IDbContextOptions options) { }

        private sealed class ExtensionInfo(ProviderExtension extension) : DbContextOptionsExtensionInfo(extension)
        {
            private Type ProviderType => extension.Provider.GetType();

            public override bool IsDatabaseProvider => false;
            public override string LogFragment => $"Contingency provider: {extension.Provider.Name} ";
            // The provider decides the model's conventions, so contexts of two providers must not share a model.
            public override int GetServiceProviderHashCode() => ProviderType.GetHashCode();
            public override bool ShouldUseSameServiceProvider(DbContextOptionsExtensionInfo other) =>
                other is ExtensionInfo o && o.ProviderType == ProviderType;
            public override void PopulateDebugInfo(IDictionary<string, string> debugInfo) =>
                debugInfo["Contingency:Provider"] = extension.Provider.Name;
        }
    }
}
