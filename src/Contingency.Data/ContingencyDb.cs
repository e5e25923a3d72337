namespace Contingency.Data;

using Contingency.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

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

    /// <summary>
    /// Who writes through this context now and why, for the audit trail; null outside a message. The
    /// context is pooled, so whoever sets it puts back what was there before when it is done.
    /// </summary>
    public AuditScope? AuditScope { get; set; }

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(ContingencyDb).Assembly);

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // SQLite has no instant type and cannot compare or order EF's text form of DateTimeOffset.
        // Instants are UTC throughout, so there they are stored as UTC ticks: exact, ordered, indexable.
        if (Database.IsSqlite())
        {
            configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcTicksConverter>();
            // SQLite has no decimal type either: money is stored as whole cents, exact and summable.
            configurationBuilder.Properties<decimal>().HaveConversion<CentsConverter>();
        }
    }

    private sealed class UtcTicksConverter() : ValueConverter<DateTimeOffset, long>(
        v => v.UtcTicks,
        v => new DateTimeOffset(v, TimeSpan.Zero));

    // Amounts carry at most two decimals (validated on the way in); reading back multiplies by
    // 0.01m so the value keeps a scale of two: 150.00, not 150.
    private sealed class CentsConverter() : ValueConverter<decimal, long>(
        v => (long)(v * 100m),
        v => v * 0.01m);
}
