namespace Contingency.Data.Configurations;

using Contingency.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

internal sealed class PaymentConfiguration : IEntityTypeConfiguration<Payment>
{
    public void Configure(EntityTypeBuilder<Payment> b)
    {
        b.HasKey(p => p.Id);
        b.Property(p => p.Id).HasMaxLength(40);
        b.Property(p => p.ProgramId).HasMaxLength(40);
        b.Property(p => p.ProviderId).HasMaxLength(40);
        b.Property(p => p.CommitmentId).HasMaxLength(40);
        b.Property(p => p.BatchId).HasMaxLength(40);
        b.Property(p => p.AdjustsPaymentId).HasMaxLength(40);
        b.Property(p => p.Kind).HasMaxLength(16);
        b.Property(p => p.Status).HasMaxLength(16).IsConcurrencyToken();
        b.Property(p => p.Currency).HasMaxLength(3);
        b.Property(p => p.UnitAmount).HasPrecision(18, 2);
        b.Property(p => p.Amount).HasPrecision(18, 2);
        b.HasOne<Commitment>().WithMany().HasForeignKey(p => p.CommitmentId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Provider>().WithMany().HasForeignKey(p => p.ProviderId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<CareProgram>().WithMany().HasForeignKey(p => p.ProgramId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<PaymentBatch>().WithMany().HasForeignKey(p => p.BatchId).OnDelete(DeleteBehavior.Restrict);
        // A run reads a program's scheduled payments that are due.
        b.HasIndex(p => new { p.ProgramId, p.Status, p.DueAt });
        b.HasIndex(p => new { p.ProviderId, p.ProgramId });
        b.HasIndex(p => p.CommitmentId);
        b.HasIndex(p => p.BatchId);
        // A program's payments, listed in the order they were scheduled (ids are time-ordered).
        b.HasIndex(p => new { p.ProgramId, p.Id });
    }
}

internal sealed class PaymentBatchConfiguration : IEntityTypeConfiguration<PaymentBatch>
{
    public void Configure(EntityTypeBuilder<PaymentBatch> b)
    {
        b.HasKey(x => x.Id);
        b.Property(x => x.Id).HasMaxLength(40);
        b.Property(x => x.ProgramId).HasMaxLength(40);
        b.Property(x => x.Currency).HasMaxLength(3);
        b.Property(x => x.Amount).HasPrecision(18, 2);
        b.HasOne<CareProgram>().WithMany().HasForeignKey(x => x.ProgramId).OnDelete(DeleteBehavior.Restrict);
        // A program's batches, listed in the order of the runs (ids are time-ordered).
        b.HasIndex(x => new { x.ProgramId, x.Id });
    }
}

internal sealed class PaymentReleaseConfiguration : IEntityTypeConfiguration<PaymentRelease>
{
    public void Configure(EntityTypeBuilder<PaymentRelease> b)
    {
        // The key is the payment: one release per payment, ever.
        b.HasKey(x => x.PaymentId);
        b.Property(x => x.PaymentId).HasMaxLength(40);
        b.Property(x => x.BatchId).HasMaxLength(40);
        b.HasOne<Payment>().WithOne().HasForeignKey<PaymentRelease>(x => x.PaymentId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<PaymentBatch>().WithMany().HasForeignKey(x => x.BatchId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(x => x.BatchId);
    }
}
