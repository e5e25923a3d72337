namespace Contingency.Data;

using Contingency.Data.Entities;
using Contingency.Data.Providers;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

public sealed class ContingencyDb(DbContextOptions<ContingencyDb> options) : DbContext(options)
{
    public DbSet<CareProgram> Programs => Set<CareProgram>();
    public DbSet<Provider> Providers => Set<Provider>();
    public DbSet<Commitment> Commitments => Set<Commitment>();
    public DbSet<Appointment> Appointments => Set<Appointment>();
    public DbSet<IdempotencyRecord> IdempotencyRecords => Set<IdempotencyRecord>();
    public DbSet<Payment> Payments => Set<Payment>();
    public DbSet<PaymentBatch> PaymentBatches => Set<PaymentBatch>();
    public DbSet<PaymentRelease> PaymentReleases => Set<PaymentRelease>();
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();
    public DbSet<RegionDemand> RegionDemands => Set<RegionDemand>();
    public DbSet<BookedCount> BookedCounts => Set<BookedCount>();
    public DbSet<CalendarFeed> CalendarFeeds => Set<CalendarFeed>();
    public DbSet<RetentionRun> RetentionRuns => Set<RetentionRun>();

    /// <summary>
    /// Who writes through this context now and why, for the audit trail; null outside a message. The
    /// context is pooled, so whoever sets it puts back what was there before when it is done.
    /// </summary>
    public AuditScope? AuditScope { get; set; }

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(ContingencyDb).Assembly);

    // How instants and money are stored is the provider's business (SQLite has types for neither);
    // the provider rides in the options (DatabaseProvider.Configure).
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder) =>
        DatabaseProvider.Of(this.GetService<IDbContextOptions>())?.ConfigureConventions(configurationBuilder);
}
