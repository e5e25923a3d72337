namespace Contingency.Features.Providers;

using Contingency.Data;
using Contingency.Data.Entities;
using Contingency.Features.Commitments;
using Contingency.Infrastructure;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;

public sealed record PreviewDeactivation(string ProviderId, DateOnly? EffectiveOn, [property: FreeTextData] string? Reason) : IQuery<DeactivationPreview>;

/// <summary>An appointment a deactivation would displace: its id and start, no member data.</summary>
public sealed record DisplacedPreview(string Id, string CommitmentId, DateTimeOffset Start);

/// <summary>
/// What deactivating the provider from <c>effectiveOn</c> would do: the commitments withdrawn (as they would
/// then read), the appointments displaced, the scheduled payments cancelled or recomputed and the
/// adjustments scheduled for money already released.
/// </summary>
public sealed record DeactivationPreview(
    ProviderView Provider, DateOnly EffectiveOn, IReadOnlyList<CommitmentView> WithdrawnCommitments,
    IReadOnlyList<DisplacedPreview> DisplacedAppointments, IReadOnlyList<PaymentPreview> CancelledPayments,
    IReadOnlyList<PaymentPreview> RecomputedPayments, IReadOnlyList<PaymentPreview> Adjustments);

public sealed class PreviewDeactivationValidator : AbstractValidator<PreviewDeactivation>
{
    public PreviewDeactivationValidator()
    {
        RuleFor(c => c.EffectiveOn).NotNull().ServiceDate();
        RuleFor(c => c.Reason).NotEmpty().MaximumLength(Limits.MaxTextLength);
    }
}

/// <summary>
/// Runs the deactivation's own rules (<see cref="Provider.Deactivate"/>, <see cref="Withdrawal.ApplyAsync"/>)
/// on tracked entities, reads what they changed from the change tracker, and forgets it all: no save, so no
/// audit entry and no payment trigger, and no transaction or row lock either. The same refusals as the
/// deactivation, since they come from the same calls.
/// </summary>
public sealed class PreviewDeactivationHandler(ContingencyDb db, TimeProvider clock) : IQueryHandler<PreviewDeactivation, DeactivationPreview>
{
    public async ValueTask<DeactivationPreview> Handle(PreviewDeactivation query, CancellationToken ct)
    {
        var effectiveOn = query.EffectiveOn!.Value;
        try
        {
            var provider = await db.Providers.FindAsync([query.ProviderId], ct) ?? throw new NotFoundException("provider", query.ProviderId);
            var before = ProviderView.From(provider);
            var (withdrawn, displaced) = await DeactivateProviderHandler.ApplyAsync(db, provider, effectiveOn, query.Reason!.Trim(), clock, ct);

            var zones = db.ChangeTracker.Entries<CareProgram>().ToDictionary(e => e.Entity.Id, e => e.Entity.Zone);
            var payments = db.ChangeTracker.Entries<Payment>().ToList();
            PaymentPreview Preview(Payment p, bool isNew, decimal? previousAmount = null) =>
                new(isNew ? null : p.Id, p.CommitmentId, p.Kind, p.PeriodStart, p.PeriodEnd, p.Sessions, p.Amount, p.Currency,
                    zones[p.ProgramId].ToLocal(p.DueAt), previousAmount);
            var modified = payments.Where(e => e.State == EntityState.Modified).OrderBy(e => e.Entity.DueAt).ThenBy(e => e.Entity.Id).ToList();
            return new DeactivationPreview(
                before with { Status = provider.Status }, effectiveOn,
                withdrawn.Select(CommitmentView.From).ToList(),
                displaced.OrderBy(a => a.Start).Select(a => new DisplacedPreview(a.Id, a.CommitmentId, zones[a.ProgramId].ToLocal(a.Start))).ToList(),
                modified.Where(e => e.Entity.Status == Payment.Cancelled).Select(e => Preview(e.Entity, false)).ToList(),
                modified.Where(e => e.Entity.Status == Payment.Scheduled)
                    .Select(e => Preview(e.Entity, false, e.Property(p => p.Amount).OriginalValue)).ToList(),
                payments.Where(e => e.State == EntityState.Added).Select(e => e.Entity).OrderBy(p => p.DueAt).ThenBy(p => p.PeriodStart)
                    .Select(p => Preview(p, true)).ToList());
        }
        finally
        {
            // Nothing of the dry run may reach a later save of this context.
            db.ChangeTracker.Clear();
        }
    }
}
