namespace Contingency.Features.Commitments;

using Contingency.Data;
using Contingency.Data.Calendar;
using Contingency.Data.Entities;
using Contingency.Data.Payments;
using Contingency.Infrastructure;
using Mediator;
using Microsoft.EntityFrameworkCore;

public sealed record PreviewCommitment(
    string ProgramId, string? ProviderId, int? SlotsPerDay, List<DayOfWeek>? Weekdays, TimeOnly? FirstSlotAt,
    DateOnly? StartsOn, int? Weeks, List<DateOnly>? ExcludedDates) : IQuery<CommitmentPreview>, ICommitmentTerms
{
    public static PreviewCommitment From(string programId, CommitBody b) =>
        new(programId, b.ProviderId, b.SlotsPerDay, b.Weekdays, b.FirstSlotAt, b.StartsOn, b.Weeks, b.ExcludedDates);
}

public sealed class PreviewCommitmentValidator : CommitmentTermsValidator<PreviewCommitment>;

/// <summary>A Monday-to-Sunday week of a commitment and the slots it would hold in it.</summary>
public sealed record PreviewWeek(DateOnly Monday, DateOnly Sunday, int Slots);

/// <summary>A payment as it is or would be: no id for one not yet made; <c>previousAmount</c> for a recomputed advance.</summary>
public sealed record PaymentPreview(
    string? Id, string CommitmentId, string Kind, DateOnly? PeriodStart, DateOnly? PeriodEnd, int Sessions, decimal Amount, string Currency,
    DateTimeOffset DueAt, decimal? PreviousAmount = null);

public sealed record CommitmentPreview(
    string ProgramId, string ProviderId, DateOnly StartsOn, DateOnly EndsOn, int TotalSlots, IReadOnlyList<PreviewWeek> Weeks,
    IReadOnlyList<PaymentPreview> Payments);

/// <summary>
/// The commitment the same body would make, built by the same constructor (so refused alike) with the
/// payment schedule <see cref="PaymentPlan"/> would give it, and never saved.
/// </summary>
public sealed class PreviewCommitmentHandler(ContingencyDb db, TimeProvider clock) : IQueryHandler<PreviewCommitment, CommitmentPreview>
{
    public async ValueTask<CommitmentPreview> Handle(PreviewCommitment cmd, CancellationToken ct)
    {
        var program = await db.Programs.AsNoTracking().FirstOrDefaultAsync(p => p.Id == cmd.ProgramId, ct)
            ?? throw new NotFoundException("program", cmd.ProgramId);
        program.RequireOpen();
        var provider = await db.Providers.AsNoTracking().FirstOrDefaultAsync(p => p.Id == cmd.ProviderId, ct)
            ?? throw new NotFoundException("provider", cmd.ProviderId!);
        var now = clock.GetUtcNow();
        var commitment = new Commitment(Ids.New(), program, provider, cmd.SlotsPerDay!.Value, WeekdaySet.Of(cmd.Weekdays!),
            cmd.FirstSlotAt!.Value, cmd.StartsOn!.Value, cmd.Weeks!.Value, cmd.ExcludedDates ?? [], program.Zone.Today(clock), now);
        if (await db.Commitments.AnyAsync(c => c.ProviderId == provider.Id && c.ActiveInProgramId == program.Id, ct))
            throw CommitHandler.AlreadyCommitted(provider.Id);

        var calendar = program.Calendar();
        var pattern = commitment.Pattern;
        var weeks = new List<PreviewWeek>();
        for (var monday = SlotCalendar.WeekOf(pattern.StartsOn); monday <= pattern.EndsOn; monday = monday.AddDays(7))
            weeks.Add(new PreviewWeek(monday, monday.AddDays(6), calendar.Count(pattern, monday, monday.AddDays(6))));
        var zone = program.Zone;
        var payments = PaymentPlan.Reconcile(commitment, program, calendar, [], Ids.New, now)
            .Select(p => new PaymentPreview(null, commitment.Id, p.Kind, p.PeriodStart, p.PeriodEnd, p.Sessions, p.Amount, p.Currency, zone.ToLocal(p.DueAt)))
            .ToList();
        return new CommitmentPreview(program.Id, provider.Id, commitment.StartsOn, commitment.EndsOn, commitment.TotalSlots, weeks, payments);
    }
}
