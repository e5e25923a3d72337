namespace Contingency.Features.Fhir;

using Contingency.Data;
using Contingency.Data.Calendar;
using Contingency.Features.Slots;
using Contingency.Infrastructure.Security;
using Hl7.Fhir.Model;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Slot = Contingency.Data.Calendar.Slot;

/// <summary>
/// <c>GET /fhir/Slot</c>, two ways. With <c>schedule</c> and/or <c>schedule.actor</c> (FHIR's chain to
/// the schedule's practitioner): the slots of those commitments, free and busy, by start (the window
/// the <c>start</c> conditions leave, else the commitments' whole days), with a total. With
/// <c>program</c> (and optionally <c>region</c>) and <c>status=free</c>: the program's bookable slots
/// earliest first, as <c>GET /api/programs/{id}/slots</c> finds them, walked a day at a time and stopped
/// once the page is full, so the answer has no total. Searching every commitment at once is refused: it
/// would be every slot of the service.
/// </summary>
public sealed record SearchSlots(FhirSearch Search) : IQuery<FhirPage>
{
    public static readonly string[] Parameters = ["schedule", "schedule.actor", "start", "status", "program", "region"];
}

public sealed class SearchSlotsHandler(ContingencyDb db, Caller caller, TimeProvider clock) : IQueryHandler<SearchSlots, FhirPage>
{
    /// <summary>What one search by schedule may lay out before paging: two years of 12 slots a day is 8,736.</summary>
    public const int MaxSlots = 50_000;

    private static readonly string[] FhirStatuses = ["free", "busy", "busy-unavailable", "busy-tentative", "entered-in-error"];

    public async ValueTask<FhirPage> Handle(SearchSlots query, CancellationToken ct)
    {
        var search = query.Search;
        var statuses = search.Values("status", s => FhirStatuses.Contains(s) ? s
            : throw new InvalidFieldException("status", $"status is one of {string.Join(", ", FhirStatuses)}; '{s}' is not."));
        var schedules = search.References("schedule", "Schedule");
        var actors = search.References("schedule.actor", "Practitioner");
        if (schedules is not null || actors is not null)
        {
            if (search.Has("program") || search.Has("region"))
                throw new InvalidFieldException("program", "program and region search a program's free slots; a search by schedule leaves them out.");
            return await ByScheduleAsync(search, schedules, actors, statuses, ct);
        }
        if (search.Single("program") is not { } programId)
            throw new InvalidFieldException("schedule",
                "Name the slots' schedule (schedule=Schedule/{id}), its practitioner (schedule.actor=Practitioner/{id}), or a program whose free slots to search (program={id}&status=free).");
        if (statuses is not ["free"])
            throw new InvalidFieldException("status", "A program's slots are searched free only: status=free.");
        return await FreeInProgramAsync(search, programId, search.Text("region"), ct);
    }

    private async ValueTask<FhirPage> ByScheduleAsync(FhirSearch search, IReadOnlyList<string>? scheduleIds, IReadOnlyList<string>? actorIds,
        IReadOnlyList<string>? statuses, CancellationToken ct)
    {
        var rows = db.Commitments.AsNoTracking().Where(c => c.EndsOn >= c.StartsOn);
        if (scheduleIds is not null) rows = rows.Where(c => scheduleIds.Contains(c.Id));
        if (actorIds is not null) rows = rows.Where(c => actorIds.Contains(c.ProviderId));
        if (caller.OwnProviderId is { } own) rows = rows.Where(c => c.ProviderId == own);
        var commitments = await rows.Join(db.Programs.AsNoTracking(), c => c.ProgramId, p => p.Id, (c, p) => new { Commitment = c, Program = p })
            .ToListAsync(ct);

        var starts = search.Dates("start");
        var windows = commitments.Select(row =>
        {
            var calendar = row.Program.Calendar();
            var (from, to) = starts.Window(calendar.Zone, row.Commitment.StartsOn, row.Commitment.EndsOn, "start");
            return (row.Commitment, Calendar: calendar, From: from, To: to);
        }).ToList();
        // Laid out in full to be sorted and paged: counted first (cheap), so a search that would hold
        // hundreds of thousands of slots is refused instead of built.
        if (windows.Sum(w => (long)w.Calendar.Count(w.Commitment.Pattern, w.From, w.To)) > MaxSlots)
            throw new InvalidFieldException("start", $"This search covers more than {MaxSlots:N0} slots; narrow the window with start, or name fewer schedules.");

        var slots = new List<(string CommitmentId, string ProviderId, ProgramZone Zone, Slot Slot)>();
        foreach (var (c, calendar, from, to) in windows)
            foreach (var slot in calendar.Slots(c.Pattern, from, to))
                if (starts.Matches(slot.Date, slot.Start))
                    slots.Add((c.Id, c.ProviderId, calendar.Zone, slot));
        slots.Sort((x, y) => x.Slot.Start != y.Slot.Start ? x.Slot.Start.CompareTo(y.Slot.Start) : string.CompareOrdinal(x.CommitmentId, y.CommitmentId));

        var held = new HashSet<(string, DateTimeOffset)>();
        if (slots.Count > 0)
        {
            var providerIds = slots.Select(s => s.ProviderId).Distinct().ToList();
            var (first, last) = (slots[0].Slot.Start, slots[^1].Slot.Start);
            held = (await db.Appointments.AsNoTracking()
                    .Where(a => a.HeldSlot >= first && a.HeldSlot <= last && providerIds.Contains(a.ProviderId))
                    .Select(a => new { a.ProviderId, Start = a.HeldSlot!.Value })
                    .ToListAsync(ct))
                .Select(a => (a.ProviderId, a.Start)).ToHashSet();
        }
        var matches = slots
            .Select(s => (s, Held: held.Contains((s.ProviderId, s.Slot.Start))))
            .Where(s => statuses is null || statuses.Contains(s.Held ? "busy" : "free"))
            .ToList();
        var page = matches.Skip(search.Offset).Take(search.Count)
            .Select(m => (Resource)FhirResources.SlotOf(m.s.CommitmentId, m.s.Zone, m.s.Slot, m.Held)).ToList();
        return new FhirPage(page, matches.Count, search.Offset + page.Count < matches.Count);
    }

    private async ValueTask<FhirPage> FreeInProgramAsync(FhirSearch search, string programId, string? region, CancellationToken ct)
    {
        var program = await db.Programs.AsNoTracking().FirstOrDefaultAsync(p => p.Id == programId, ct);
        if (program is null) return new FhirPage([], 0, false);
        var calendar = program.Calendar();
        var now = clock.GetUtcNow();
        var today = calendar.Zone.LocalDateOf(now);
        var starts = search.Dates("start");
        var first = SlotCalendar.Max(today, program.StartsOn);
        // With no end given, as far as a query window reaches: the walk stops once the page is full.
        var (from, to) = starts.Window(calendar.Zone, first, SlotCalendar.Min(program.EndsOn, first.AddDays(Limits.MaxWindowDays - 1)), "start");
        if (to < from) return new FhirPage([], 0, false);

        var own = caller.OwnProviderId;
        var sources = await FreeSlotWalk.SourcesAsync(db, program.Id, from, to, providers =>
        {
            if (region is not null) providers = providers.Where(p => p.Region == region);
            if (own is not null) providers = providers.Where(p => p.Id == own);
            return providers;
        }, ct);

        var page = new List<Resource>(search.Count);
        var skipped = 0;
        var more = false;
        await foreach (var free in FreeSlotWalk.FromAsync(db, calendar, sources, from, to, now, ct))
        {
            if (!starts.Matches(free.Slot.Date, free.Slot.Start)) continue;
            if (skipped < search.Offset)
            {
                skipped++;
                continue;
            }
            if (page.Count == search.Count)
            {
                more = true;
                break;
            }
            page.Add(FhirResources.SlotOf(free.Source.CommitmentId, calendar.Zone, free.Slot, held: false));
        }
        return new FhirPage(page, null, more);
    }
}
