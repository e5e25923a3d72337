namespace Contingency.Features.Commitments;

using System.ComponentModel.DataAnnotations;
using Contingency.Data;
using Contingency.Data.Entities;
using Contingency.Data.Payments;
using Contingency.Features.Programs;
using Contingency.Infrastructure;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;

public sealed record WithdrawBody([property: Required] DateOnly? EffectiveOn, [property: FreeTextData] [property: Required] string? Reason);

public sealed record Withdraw(string CommitmentId, DateOnly? EffectiveOn, [property: FreeTextData] string? Reason) : ICommand<CommitmentView>;

public sealed class WithdrawValidator : AbstractValidator<Withdraw>
{
    public WithdrawValidator()
    {
        RuleFor(c => c.EffectiveOn).NotNull().ServiceDate();
        RuleFor(c => c.Reason).NotEmpty().MaximumLength(Limits.MaxTextLength);
    }
}

public sealed partial class WithdrawHandler(ContingencyDb db, TimeProvider clock, ILogger<WithdrawHandler> log)
    : ICommandHandler<Withdraw, CommitmentView>
{
    public async ValueTask<CommitmentView> Handle(Withdraw cmd, CancellationToken ct)
    {
        var (commitment, displaced) = await db.WriteAsync(async () =>
        {
            // Take the commitment's row before reading it, so that bookings of its days queue behind this
            // withdrawal (their trigger updates the same row) rather than keep making it start again. On
            // SQLite the transaction holds the write lock already; on a server the row lock does it.
            await db.Commitments.Where(c => c.Id == cmd.CommitmentId)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.EndsOn, c => c.EndsOn), ct);
            var commitment = await db.Commitments.FindAsync([cmd.CommitmentId], ct)
                ?? throw new NotFoundException("commitment", cmd.CommitmentId);
            await ProgramGuard.RequireOpenAsync(db, commitment.ProgramId, ct);
            var displaced = await Withdrawal.ApplyAsync(db, commitment, cmd.EffectiveOn!.Value, cmd.Reason!.Trim(), clock, ct);
            await db.SaveChangesAsync(ct);
            return (commitment, displaced);
        }, ct);
        Withdrawn(log, commitment.Id, cmd.EffectiveOn!.Value, displaced.Count);
        return CommitmentView.From(commitment) with { DisplacedAppointments = displaced.Select(a => a.Id).ToList() };
    }

    [LoggerMessage(LogLevel.Information, "Commitment {CommitmentId} withdrawn from {EffectiveOn}; {Displaced} appointments displaced")]
    private static partial void Withdrawn(ILogger logger, string commitmentId, DateOnly effectiveOn, int displaced);
}

/// <summary>
/// The withdrawal rules, for one commitment withdrawn on its own and for every commitment of a
/// provider being deactivated. The caller takes the commitment's row first (see <see cref="WithdrawHandler"/>)
/// and saves, in the transaction of <see cref="LostRaces.WriteAsync{T}"/>.
/// </summary>
public static class Withdrawal
{
    /// <summary>Withdraws <paramref name="commitment"/> from <paramref name="effectiveOn"/> on; answers the appointments it displaced.</summary>
    public static async Task<List<Appointment>> ApplyAsync(ContingencyDb db, Commitment commitment, DateOnly effectiveOn, string reason,
        TimeProvider clock, CancellationToken ct)
    {
        var program = await db.Programs.FindAsync([commitment.ProgramId], ct)
            ?? throw new NotFoundException("program", commitment.ProgramId);
        var now = clock.GetUtcNow();
        var calendar = program.Calendar();

        commitment.Withdraw(effectiveOn, reason, calendar, calendar.Zone.Today(clock), now);

        // The days from effectiveOn on no longer have slots: their bookings are displaced in the same
        // transaction. A booking committed after this read fails the save (Commitment.Withdraw says how).
        var displaced = await db.Appointments
            .Where(a => a.CommitmentId == commitment.Id && a.Status == Appointment.Booked && a.LocalDate >= effectiveOn)
            .ToListAsync(ct);
        foreach (var appointment in displaced) appointment.Displace(now);

        // Payments follow the slots: removed weeks' advances are cancelled, a partly removed week is
        // recomputed, and money already released for removed slots comes back as an adjustment.
        var payments = await db.Payments.Where(p => p.CommitmentId == commitment.Id).ToListAsync(ct);
        db.Payments.AddRange(PaymentPlan.Reconcile(commitment, program, calendar, payments, Ids.New, now));
        return displaced;
    }
}
