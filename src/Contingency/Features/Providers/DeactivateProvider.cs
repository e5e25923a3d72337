namespace Contingency.Features.Providers;

using System.ComponentModel.DataAnnotations;
using Contingency.Data;
using Contingency.Data.Entities;
using Contingency.Features.Commitments;
using Contingency.Infrastructure;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;

public sealed record DeactivateProviderBody([property: Required] DateOnly? EffectiveOn, [property: FreeTextData] [property: Required] string? Reason);

public sealed record DeactivateProvider(string ProviderId, DateOnly? EffectiveOn, [property: FreeTextData] string? Reason) : ICommand<DeactivationView>;

/// <summary>The provider as it now is, the commitments withdrawn and the appointments they displaced.</summary>
public sealed record DeactivationView(ProviderView Provider, IReadOnlyList<string> WithdrawnCommitments, IReadOnlyList<string> DisplacedAppointments);

public sealed class DeactivateProviderValidator : AbstractValidator<DeactivateProvider>
{
    public DeactivateProviderValidator()
    {
        RuleFor(c => c.EffectiveOn).NotNull().ServiceDate();
        RuleFor(c => c.Reason).NotEmpty().MaximumLength(Limits.MaxTextLength);
    }
}

/// <summary>
/// Takes a provider out: every active commitment that still has days on or after <c>effectiveOn</c> is
/// withdrawn from that day by the withdrawal rules (bookings displaced, payments cancelled or adjusted),
/// and the provider becomes inactive, so no new commitment is accepted. One transaction: if any
/// commitment refuses (effectiveOn before today in its program's zone) nothing changes. A commitment
/// that ends before effectiveOn keeps its past days and is left as it is.
/// </summary>
public sealed partial class DeactivateProviderHandler(ContingencyDb db, TimeProvider clock, ILogger<DeactivateProviderHandler> log)
    : ICommandHandler<DeactivateProvider, DeactivationView>
{
    public async ValueTask<DeactivationView> Handle(DeactivateProvider cmd, CancellationToken ct)
    {
        var effectiveOn = cmd.EffectiveOn!.Value;
        var (provider, withdrawn, displaced) = await db.WriteAsync(async () =>
        {
            // The provider's row first, as a new commitment takes it: one made meanwhile either waits and
            // is refused (provider-inactive) or committed first and is read below. Then the commitments'
            // rows, as a withdrawal takes its one: bookings of their days queue behind this transaction,
            // and one that committed before it is read below and displaced.
            await db.Providers.Where(p => p.Id == cmd.ProviderId).ExecuteUpdateAsync(s => s.SetProperty(p => p.Status, p => p.Status), ct);
            await db.Commitments.Where(c => c.ProviderId == cmd.ProviderId && c.Status == Commitment.Active)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.EndsOn, c => c.EndsOn), ct);
            var provider = await db.Providers.FindAsync([cmd.ProviderId], ct) ?? throw new NotFoundException("provider", cmd.ProviderId);
            var (withdrawn, displaced) = await ApplyAsync(db, provider, effectiveOn, cmd.Reason!.Trim(), clock, ct);
            await db.SaveChangesAsync(ct);
            return (provider, withdrawn, displaced);
        }, ct);
        Deactivated(log, provider.Id, effectiveOn, withdrawn.Count, displaced.Count);
        return new DeactivationView(ProviderView.From(provider), withdrawn.Select(c => c.Id).ToList(), displaced.Select(a => a.Id).ToList());
    }

    /// <summary>
    /// The deactivation's rules on tracked entities, unsaved: the provider inactive, and every active
    /// commitment with days on or after <paramref name="effectiveOn"/> withdrawn by the withdrawal rules.
    /// The deactivation saves what this changes; its preview reads it and forgets it.
    /// </summary>
    public static async Task<(List<Commitment> Withdrawn, List<Appointment> Displaced)> ApplyAsync(
        ContingencyDb db, Provider provider, DateOnly effectiveOn, string reason, TimeProvider clock, CancellationToken ct)
    {
        provider.Deactivate();
        var withdrawn = await db.Commitments
            .Where(c => c.ProviderId == provider.Id && c.Status == Commitment.Active && c.EndsOn >= effectiveOn)
            .OrderBy(c => c.Id)
            .ToListAsync(ct);
        var displaced = new List<Appointment>();
        foreach (var commitment in withdrawn)
            displaced.AddRange(await Withdrawal.ApplyAsync(db, commitment, effectiveOn, reason, clock, ct));
        return (withdrawn, displaced);
    }

    [LoggerMessage(LogLevel.Information, "Provider {ProviderId} deactivated from {EffectiveOn}; {Withdrawn} commitments withdrawn, {Displaced} appointments displaced")]
    private static partial void Deactivated(ILogger logger, string providerId, DateOnly effectiveOn, int withdrawn, int displaced);
}
