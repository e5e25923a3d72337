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
/// its due date whenever any such slot is free, and a follow-up's after its previous visit (a slot the
/// rebooking would refuse is never offered). The list is a plan that can be worked top to bottom: no
/// slot is suggested to two members, and the more urgent choose first.
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

        // One walk per region, earliest slot first: each slot goes to the most urgent member of the region
        // who can take it (the modality offered, a follow-up's slot after its previous visit, as booking
        // requires) and still lacks suggestions. So each member gets the earliest slots that nobody more
        // urgent took, and no slot goes to two members, whatever modalities they asked for.
        var suggested = displaced.ToDictionary(a => a.Id, _ => new List<FreeSlot>());
        foreach (var region in displaced.GroupBy(a => a.Region))
        {
            var offering = sources.Where(s => s.Region == region.Key).ToList();
            // A member no provider of the region can serve gets no suggestion rather than a walk to the program's end.
            var waiting = region.Where(a => offering.Any(s => Offers(s, a))).ToList();
            if (waiting.Count == 0) continue;
            await foreach (var free in FreeSlotWalk.FromAsync(db, calendar, offering, from, program.EndsOn, now, ct))
            {
                var taker = waiting.FirstOrDefault(a => Offers(free.Source, a) && (a.PreviousVisitOn is not { } visit || free.Slot.Date > visit));
                if (taker is null) continue;
                suggested[taker.Id].Add(free);
                if (suggested[taker.Id].Count == SuggestionsEach) waiting.Remove(taker);
                if (waiting.Count == 0) break;
            }
        }

        return displaced.Select(a => new DisplacedView(
                a.Id, a.ProviderId, a.CommitmentId, a.Region, calendar.Zone.ToLocal(a.Start), calendar.Zone.ToLocal(a.End), a.Kind,
                a.MemberRef, a.Modality, a.PreviousVisitOn, a.FollowUpDueBy, calendar.Zone.ToLocal(a.UpdatedAt),
                suggested[a.Id].Select(s => new SuggestedSlot(s.Source.ProviderId, calendar.Zone.ToLocal(s.Slot.Start),
                    calendar.Zone.ToLocal(s.Slot.End), a.FollowUpDueBy is { } due ? s.Slot.Date <= due : null)).ToList()))
            .ToList();
    }

    private static bool Offers(SlotSource source, Appointment appointment) =>
        appointment.Modality is null || source.Modalities.Contains(appointment.Modality);
}
