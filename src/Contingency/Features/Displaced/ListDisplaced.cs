namespace Contingency.Features.Displaced;

using Contingency.Data;
using Contingency.Data.Calendar;
using Contingency.Data.Entities;
using Contingency.Features.Slots;
using Mediator;
using Microsoft.EntityFrameworkCore;

/// <summary>A free slot offered to a displaced member; <c>withinDueBy</c> says whether a follow-up would still be on time (null for an intake).</summary>
public sealed record SuggestedSlot(string ProviderId, DateTimeOffset Start, DateTimeOffset End, bool? WithinDueBy);

public sealed record DisplacedView(
    string AppointmentId, string ProviderId, string CommitmentId, string Region, DateTimeOffset Start, DateTimeOffset End, string Kind,
    [property: HealthData] string MemberRef, string? Modality, [property: HealthData] DateOnly? PreviousVisitOn,
    [property: HealthData] DateOnly? FollowUpDueBy, DateTimeOffset DisplacedAt, IReadOnlyList<SuggestedSlot> Suggestions);

public sealed record ListDisplaced(string ProgramId) : IQuery<IReadOnlyList<DisplacedView>>;

/// <summary>
/// The displaced appointments of a program not yet rebooked, most urgent first: a follow-up by its due
/// date, an intake by the date it had, then by start. Each gets up to three free slots in its region
/// offering its modality (any modality when it named none), earliest first, so a follow-up's fall within
/// its due date whenever any such slot is free. The list is a plan that can be worked top to bottom:
/// no slot is suggested to two members, and the more urgent choose first.
/// </summary>
public sealed class ListDisplacedHandler(ContingencyDb db, TimeProvider clock) : IQueryHandler<ListDisplaced, IReadOnlyList<DisplacedView>>
{
    public const int SuggestionsEach = 3;

    public async ValueTask<IReadOnlyList<DisplacedView>> Handle(ListDisplaced query, CancellationToken ct)
    {
        var program = await db.Programs.AsNoTracking().FirstOrDefaultAsync(p => p.Id == query.ProgramId, ct)
            ?? throw new NotFoundException("program", query.ProgramId);
        var calendar = program.Calendar();
        var now = clock.GetUtcNow();

        var displaced = (await db.Appointments.AsNoTracking()
                .Where(a => a.ProgramId == program.Id && a.Status == Appointment.Displaced && a.RebookedAsId == null)
                .ToListAsync(ct))
            .OrderBy(a => a.FollowUpDueBy ?? a.LocalDate).ThenBy(a => a.Start).ThenBy(a => a.Id, StringComparer.Ordinal)
            .ToList();
        if (displaced.Count == 0) return [];

        var from = SlotCalendar.Max(calendar.Zone.LocalDateOf(now), program.StartsOn);
        var sources = from <= program.EndsOn
            ? await FreeSlotWalk.SourcesAsync(db, program.Id, from, program.EndsOn, null, ct)
            : [];

        // One walk per region and modality asked for, long enough to give everyone in it three slots.
        var suggested = new Dictionary<string, List<FreeSlot>>();
        foreach (var group in displaced.GroupBy(a => (a.Region, a.Modality)))
        {
            var offering = sources
                .Where(s => s.Region == group.Key.Region && (group.Key.Modality is null || s.Modalities.Contains(group.Key.Modality)))
                .ToList();
            var pool = new List<FreeSlot>();
            var wanted = SuggestionsEach * group.Count();
            if (offering.Count > 0)
                await foreach (var free in FreeSlotWalk.FromAsync(db, calendar, offering, from, program.EndsOn, now, ct))
                {
                    pool.Add(free);
                    if (pool.Count == wanted) break;
                }
            // The group is already in order of urgency; each takes the earliest slots nobody before it took.
            var next = 0;
            foreach (var appointment in group)
            {
                suggested[appointment.Id] = pool.Skip(next).Take(SuggestionsEach).ToList();
                next += SuggestionsEach;
            }
        }

        return displaced.Select(a => new DisplacedView(
                a.Id, a.ProviderId, a.CommitmentId, a.Region, calendar.Zone.ToLocal(a.Start), calendar.Zone.ToLocal(a.End), a.Kind,
                a.MemberRef, a.Modality, a.PreviousVisitOn, a.FollowUpDueBy, calendar.Zone.ToLocal(a.UpdatedAt),
                suggested[a.Id].Select(s => new SuggestedSlot(s.Source.ProviderId, calendar.Zone.ToLocal(s.Slot.Start),
                    calendar.Zone.ToLocal(s.Slot.End), a.FollowUpDueBy is { } due ? s.Slot.Date <= due : null)).ToList()))
            .ToList();
    }
}
