namespace Contingency.Data.Configurations;

using Contingency.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

internal sealed class CareProgramConfiguration : IEntityTypeConfiguration<CareProgram>
{
    public void Configure(EntityTypeBuilder<CareProgram> b)
    {
        b.ToTable("Programs");
        b.HasKey(p => p.Id);
        b.Property(p => p.Id).HasMaxLength(40);
        b.Property(p => p.Name).HasMaxLength(200);
        b.Property(p => p.TimeZone).HasMaxLength(64);
        b.Property(p => p.Currency).HasMaxLength(3);
        b.Property(p => p.SessionRate).HasPrecision(18, 2);
        b.Property(p => p.PremiumRate).HasPrecision(18, 2);
        b.Property(p => p.SigningBonus).HasPrecision(18, 2);
        b.Property(p => p.PaymentWeekday).HasConversion<string>().HasMaxLength(9);
        b.Property(p => p.Weeks).IsConcurrencyToken();
        // Closing and extending both change the row: whichever saves second finds it changed.
        b.Property(p => p.ClosedAt).IsConcurrencyToken();
        b.Property(p => p.MemberSalt).HasMaxLength(CareProgram.MemberSaltLength);
        b.Ignore(p => p.EndsOn);
        b.Ignore(p => p.Zone);
    }
}

internal sealed class ProviderConfiguration : IEntityTypeConfiguration<Provider>
{
    public void Configure(EntityTypeBuilder<Provider> b)
    {
        b.HasKey(p => p.Id);
        b.Property(p => p.Id).HasMaxLength(40);
        b.Property(p => p.Name).HasMaxLength(200);
        b.Property(p => p.Npi).HasMaxLength(10);
        b.Property(p => p.LicenseType).HasMaxLength(8);
        b.Property(p => p.LicenseNumber).HasMaxLength(64);
        b.Property(p => p.Email).HasMaxLength(254);
        b.Property(p => p.Region).HasMaxLength(100);
        b.Property(p => p.Status).HasMaxLength(16);
        b.HasIndex(p => p.Npi).IsUnique();
        b.HasIndex(p => new { p.Region, p.LicenseType });
        b.HasIndex(p => new { p.Name, p.Id });
    }
}

internal sealed class CommitmentConfiguration : IEntityTypeConfiguration<Commitment>
{
    public void Configure(EntityTypeBuilder<Commitment> b)
    {
        b.HasKey(c => c.Id);
        b.Property(c => c.Id).HasMaxLength(40);
        b.Property(c => c.ProgramId).HasMaxLength(40);
        b.Property(c => c.ProviderId).HasMaxLength(40);
        b.Property(c => c.ActiveInProgramId).HasMaxLength(40);
        b.Property(c => c.Status).HasMaxLength(16);
        b.Property(c => c.WithdrawalReason).HasMaxLength(500);
        b.HasOne<CareProgram>().WithMany().HasForeignKey(c => c.ProgramId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Provider>().WithMany().HasForeignKey(c => c.ProviderId).OnDelete(DeleteBehavior.Restrict);
        // One active commitment per provider and program; withdrawn ones carry null and do not collide.
        b.HasIndex(c => new { c.ProviderId, c.ActiveInProgramId }).IsUnique();
        // A program's commitments, listed in the order they were made (ids are time-ordered).
        b.HasIndex(c => new { c.ProgramId, c.Id });
        b.Property(c => c.Status).IsConcurrencyToken();
        // Raised by each booking (a trigger on Appointments); a withdrawal that read an older value fails and starts again (Commitment.Withdraw).
        b.Property(c => c.BookingsVersion).IsConcurrencyToken();
        // An extension and a withdrawal both move the end: the second to save must see the first's.
        b.Property(c => c.EndsOn).IsConcurrencyToken();
        b.Ignore(c => c.PlannedEndsOn);
        b.Ignore(c => c.Weekdays);
        b.Ignore(c => c.Pattern);
    }
}

internal sealed class AppointmentConfiguration : IEntityTypeConfiguration<Appointment>
{
    public void Configure(EntityTypeBuilder<Appointment> b)
    {
        b.HasKey(a => a.Id);
        b.Property(a => a.Id).HasMaxLength(40);
        b.Property(a => a.ProgramId).HasMaxLength(40);
        b.Property(a => a.ProviderId).HasMaxLength(40);
        b.Property(a => a.CommitmentId).HasMaxLength(40);
        b.Property(a => a.RescheduledFromId).HasMaxLength(40);
        b.Property(a => a.RescheduledToId).HasMaxLength(40);
        b.Property(a => a.RebookedAsId).HasMaxLength(40);
        b.Property(a => a.RebookedFromId).HasMaxLength(40);
        b.Property(a => a.Status).HasMaxLength(16);
        b.Property(a => a.Kind).HasMaxLength(16);
        b.Property(a => a.MemberRef).HasMaxLength(64);
        b.Property(a => a.Modality).HasMaxLength(16);
        b.Property(a => a.Region).HasMaxLength(100);
        b.Property(a => a.LicenseType).HasMaxLength(8);
        b.Property(a => a.CancelReason).HasMaxLength(500);
        b.Property(a => a.CancelInitiatedBy).HasMaxLength(16);
        b.HasOne<CareProgram>().WithMany().HasForeignKey(a => a.ProgramId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Provider>().WithMany().HasForeignKey(a => a.ProviderId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Commitment>().WithMany().HasForeignKey(a => a.CommitmentId).OnDelete(DeleteBehavior.Restrict);
        // The double-booking guard: at most one appointment holds a provider's slot. Released
        // appointments carry null, which unique indexes do not compare (SQL Server gets a filter).
        b.HasIndex(a => new { a.ProviderId, a.HeldSlot }).IsUnique();
        // Capacity counts held appointments of a program from this index alone (it covers every column read).
        b.HasIndex(a => new { a.ProgramId, a.Region, a.LicenseType, a.LocalDate, a.Kind, a.TimelyAccessMet, a.HeldSlot });
        b.HasIndex(a => a.CommitmentId);
        // Timely access counts a program's held follow-ups and lists the late ones: a third of the rows,
        // so a partial index (the filter is plain SQL every provider here reads alike).
        b.HasIndex(a => new { a.ProgramId, a.TimelyAccessMet }, "IX_Appointments_FollowUpsHeld")
            .HasFilter($"\"Kind\" = '{Appointment.FollowUp}' AND \"HeldSlot\" IS NOT NULL");
        // The appointment list's three shapes, each walked in booking order (ids are time-ordered).
        b.HasIndex(a => new { a.ProgramId, a.Id });
        b.HasIndex(a => new { a.ProviderId, a.Id });
        b.HasIndex(a => new { a.MemberRef, a.Id });
        b.Property(a => a.Status).IsConcurrencyToken();
        // Two rebookings of one displaced appointment: the second to save finds it rebooked and fails.
        b.Property(a => a.RebookedAsId).IsConcurrencyToken();
        // Two hashing runs at once: the second to save finds the row hashed already and reads it again.
        b.Property(a => a.MemberDataHashedAt).IsConcurrencyToken();
        // The displaced worklist: a program's displaced appointments not yet rebooked.
        b.HasIndex(a => new { a.ProgramId, a.Status, a.RebookedAsId });
    }
}

internal sealed class IdempotencyRecordConfiguration : IEntityTypeConfiguration<IdempotencyRecord>
{
    public void Configure(EntityTypeBuilder<IdempotencyRecord> b)
    {
        b.HasKey(r => r.Key);
        b.Property(r => r.Key).HasMaxLength(300);
        b.Property(r => r.RequestHash).HasMaxLength(64);
        b.Property(r => r.ResourceId).HasMaxLength(40);
        // The expiry job's range: records older than the window, oldest first.
        b.HasIndex(r => r.CreatedAt);
    }
}

internal sealed class RetentionRunConfiguration : IEntityTypeConfiguration<RetentionRun>
{
    public void Configure(EntityTypeBuilder<RetentionRun> b)
    {
        b.HasKey(r => r.Job);
        b.Property(r => r.Job).HasMaxLength(100);
        b.Property(r => r.Outcome).HasMaxLength(16);
        b.Property(r => r.Detail).HasMaxLength(RetentionRun.MaxDetailLength);
    }
}

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> b)
    {
        b.ToTable("AuditEntries");
        // An integer the database counts up (AUTOINCREMENT on SQLite): entries list in the order written.
        b.HasKey(e => e.Sequence);
        b.Property(e => e.Sequence).ValueGeneratedOnAdd();
        b.Property(e => e.Actor).HasMaxLength(AuditEntry.MaxActorLength);
        b.Property(e => e.Action).HasMaxLength(AuditEntry.MaxActionLength);
        b.Property(e => e.EntityType).HasMaxLength(AuditEntry.MaxEntityTypeLength);
        b.Property(e => e.EntityId).HasMaxLength(AuditEntry.MaxEntityIdLength);
        b.Property(e => e.Summary).HasMaxLength(AuditEntry.MaxSummaryLength);
        // The listing's two shapes: one record's history, and everything in a window of time.
        b.HasIndex(e => new { e.EntityType, e.EntityId, e.At });
        b.HasIndex(e => e.At);
    }
}

internal sealed class RegionDemandConfiguration : IEntityTypeConfiguration<RegionDemand>
{
    public void Configure(EntityTypeBuilder<RegionDemand> b)
    {
        b.ToTable("RegionDemands");
        // An id of its own, as every audited record has; one figure per region of a program, read by program.
        b.HasKey(d => d.Id);
        b.Property(d => d.Id).HasMaxLength(40);
        b.HasIndex(d => new { d.ProgramId, d.Region }).IsUnique();
        b.Property(d => d.ProgramId).HasMaxLength(40);
        b.Property(d => d.Region).HasMaxLength(RegionDemand.MaxRegionLength);
        b.HasOne<CareProgram>().WithMany().HasForeignKey(d => d.ProgramId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class BookedCountConfiguration : IEntityTypeConfiguration<BookedCount>
{
    public void Configure(EntityTypeBuilder<BookedCount> b)
    {
        b.ToTable("BookedCounts");
        // Written by the Appointments triggers only: one row per combination, the key in capacity's order.
        b.HasKey(c => new { c.ProgramId, c.Region, c.LicenseType, c.LocalDate, c.Kind, c.TimelyAccess });
        b.Property(c => c.ProgramId).HasMaxLength(40);
        b.Property(c => c.Region).HasMaxLength(100);
        b.Property(c => c.LicenseType).HasMaxLength(8);
        b.Property(c => c.Kind).HasMaxLength(16);
    }
}


internal sealed class CalendarFeedConfiguration : IEntityTypeConfiguration<CalendarFeed>
{
    public void Configure(EntityTypeBuilder<CalendarFeed> b)
    {
        b.ToTable("CalendarFeeds");
        // One feed per provider; a feed request finds its provider by the secret's hash.
        b.HasKey(f => f.ProviderId);
        b.Property(f => f.ProviderId).HasMaxLength(40);
        // Two issues at once: the second save finds the hash changed and is refused, so no caller holds a dead URL.
        b.Property(f => f.SecretHash).HasMaxLength(64).IsConcurrencyToken();
        b.HasIndex(f => f.SecretHash).IsUnique();
        b.HasOne<Provider>().WithMany().HasForeignKey(f => f.ProviderId).OnDelete(DeleteBehavior.Restrict);
    }
}
