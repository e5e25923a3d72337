namespace Contingency.Features.Slots;

using System.Runtime.CompilerServices;
using Contingency.Data;
using Contingency.Data.Calendar;
using Contingency.Data.Entities;
using Microsoft.EntityFrameworkCore;

/// <summary>A commitment whose slots a search may offer, with what the search filters and groups by.</summary>
public sealed record SlotSource(string ProviderId, string CommitmentId, string Region, IReadOnlyList<string> Modalities, SlotPattern Pattern);

/// <summary>A free slot found by <see cref="FreeSlotWalk"/>.</summary>
public sealed record FreeSlot(SlotSource Source, Slot Slot);

/// <summary>
/// Free slots earliest first, a day at a time: each day reads that day's held slots of the providers
/// that offer slots on it, so a caller that stops early reads one or two days of bookings, not the
/// whole window. Within a day, slots come by start, then provider id.
/// </summary>
public static class FreeSlotWalk
{
    public static async IAsyncEnumerable<FreeSlot> FromAsync(ContingencyDb db, SlotCalendar calendar, IReadOnlyList<SlotSource> sources,
        DateOnly from, DateOnly to, DateTimeOffset now, [EnumeratorCancellation] CancellationToken ct)
    {
        if (sources.Count == 0) yield break;
        for (var day = from; day <= to; day = day.AddDays(1))
        {
            var offered = new List<FreeSlot>();
            foreach (var source in sources)
                foreach (var slot in calendar.SlotsOn(source.Pattern, day))
                    if (slot.Start > now) offered.Add(new FreeSlot(source, slot));
            if (offered.Count == 0) continue;

            var providerIds = offered.Select(o => o.Source.ProviderId).Distinct().ToList();
            var dayStart = offered.Min(o => o.Slot.Start);
            var dayEnd = offered.Max(o => o.Slot.Start);
            // The ids go as one array parameter: a program's ten thousand providers as ten thousand
            // parameters took 0.6 s to send and plan, as one they take a few milliseconds.
            var held = (await db.Appointments.AsNoTracking()
                    .Where(a => a.HeldSlot >= dayStart && a.HeldSlot <= dayEnd && EF.Parameter(providerIds).Contains(a.ProviderId))
                    .Select(a => new { a.ProviderId, Start = a.HeldSlot!.Value })
                    .ToListAsync(ct))
                .Select(a => (a.ProviderId, a.Start))
                .ToHashSet();

            foreach (var free in offered
                         .Where(o => !held.Contains((o.Source.ProviderId, o.Slot.Start)))
                         .OrderBy(o => o.Slot.Start).ThenBy(o => o.Source.ProviderId, StringComparer.Ordinal))
                yield return free;
        }
    }

    /// <summary>
    /// The program's commitments that have days in the window, of the providers <paramref name="providers"/> keeps.
    /// A deactivated provider's commitments ended the day before the deactivation's date: the days they
    /// keep until then are committed, paid for and bookable like any other.
    /// </summary>
    public static async Task<List<SlotSource>> SourcesAsync(ContingencyDb db, string programId, DateOnly from, DateOnly to,
        Func<IQueryable<Provider>, IQueryable<Provider>>? providers, CancellationToken ct)
    {
        var kept = db.Providers.AsNoTracking();
        if (providers is not null) kept = providers(kept);
        var rows = await db.Commitments.AsNoTracking()
            .Where(c => c.ProgramId == programId && c.StartsOn <= to && c.EndsOn >= from && c.EndsOn >= c.StartsOn)
            .Join(kept, c => c.ProviderId, p => p.Id, (c, p) => new
            {
                c.ProviderId, CommitmentId = c.Id, c.SlotsPerDay, c.WeekdayMask, c.FirstSlotAt, c.StartsOn, c.EndsOn, c.ExcludedDates, p.Region, p.Modalities,
            })
            .ToListAsync(ct);
        return rows.Select(r => new SlotSource(r.ProviderId, r.CommitmentId, r.Region, r.Modalities,
            SlotPattern.Of(r.SlotsPerDay, r.WeekdayMask, r.FirstSlotAt, r.StartsOn, r.EndsOn, r.ExcludedDates))).ToList();
    }
}
