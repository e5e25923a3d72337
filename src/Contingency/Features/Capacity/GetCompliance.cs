namespace Contingency.Features.Capacity;

using Contingency.Data;
using Contingency.Data.Calendar;
using Contingency.Data.Entities;
using Contingency.Features.Slots;
using Mediator;
using Microsoft.EntityFrameworkCore;

/// <summary>A follow-up held after its due date, and by how many business days.</summary>
public sealed record LateFollowUp(string AppointmentId, string ProviderId, [property: HealthData] DateOnly PreviousVisitOn,
    [property: HealthData] DateOnly DueBy, DateTimeOffset Start, int BusinessDaysLate);

/// <summary>
/// The local date of a region's third free slot from now and the calendar days until it; both null when
/// the region has fewer than three free slots left in the program.
/// </summary>
public sealed record ThirdNextAvailable(string Region, DateOnly? Date, int? Days);

public sealed record ComplianceView(string ProgramId, int StandardBusinessDays, int FollowUps, int WithinStandard, decimal? Rate,
    IReadOnlyList<LateFollowUp> Late, IReadOnlyList<ThirdNextAvailable> ThirdNextAvailable);

public sealed record GetCompliance(string ProgramId) : IQuery<ComplianceView>;

/// <summary>
/// Timely access: the follow-ups that hold a slot (booked, completed, no-show) against the 10-business-day
/// standard, the late ones listed, and third-next-available per region. Regions are those of the program's
/// committed providers and those it has demand in; a region of pure demand has no slot, so no third.
/// </summary>
public sealed class GetComplianceHandler(ContingencyDb db, TimeProvider clock) : IQueryHandler<GetCompliance, ComplianceView>
{
    public const int Third = 3;

    public async ValueTask<ComplianceView> Handle(GetCompliance query, CancellationToken ct)
    {
        var program = await db.Programs.AsNoTracking().FirstOrDefaultAsync(p => p.Id == query.ProgramId, ct)
            ?? throw new NotFoundException("program", query.ProgramId);
        var calendar = program.Calendar();

        var followUps = db.Appointments.AsNoTracking()
            .Where(a => a.ProgramId == program.Id && a.Kind == Appointment.FollowUp && a.HeldSlot != null);
        // Counted from the database's own counts of held appointments (BookedCounts), not row by row.
        var counts = await db.BookedCounts.AsNoTracking().Where(c => c.ProgramId == program.Id && c.Kind == Appointment.FollowUp)
            .GroupBy(c => c.TimelyAccess).Select(g => new { Met = g.Key, Count = g.Sum(c => c.Count) }).ToListAsync(ct);
        var total = counts.Sum(c => c.Count);
        var within = counts.Where(c => c.Met == 1).Sum(c => c.Count);

        // Read only when the counts say some are late: it is a second pass over the program's follow-ups.
        var late = total == within ? [] : (await followUps.Where(a => a.TimelyAccessMet == false)
                .Select(a => new { a.Id, a.ProviderId, a.PreviousVisitOn, a.FollowUpDueBy, a.Start, a.LocalDate })
                .ToListAsync(ct))
            .OrderBy(a => a.Start).ThenBy(a => a.Id, StringComparer.Ordinal)
            .Select(a => new LateFollowUp(a.Id, a.ProviderId, a.PreviousVisitOn!.Value, a.FollowUpDueBy!.Value, calendar.Zone.ToLocal(a.Start),
                BusinessDays.Late(a.FollowUpDueBy!.Value, a.LocalDate, calendar.Holidays)))
            .ToList();

        decimal? rate = total == 0 ? null : Math.Round((decimal)within / total, 4, MidpointRounding.AwayFromZero);
        return new ComplianceView(program.Id, Appointment.TimelyAccessBusinessDays, total, within, rate, late,
            await ThirdNextAvailableAsync(program, calendar, ct));
    }

    private async Task<List<ThirdNextAvailable>> ThirdNextAvailableAsync(CareProgram program, SlotCalendar calendar, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var today = calendar.Zone.LocalDateOf(now);
        var from = SlotCalendar.Max(today, program.StartsOn);
        var sources = await FreeSlotWalk.SourcesAsync(db, program.Id, from, program.EndsOn, null, ct);

        var regions = await db.Commitments.AsNoTracking().Where(c => c.ProgramId == program.Id)
            .Join(db.Providers.AsNoTracking(), c => c.ProviderId, p => p.Id, (c, p) => p.Region)
            .Union(db.RegionDemands.AsNoTracking().Where(d => d.ProgramId == program.Id).Select(d => d.Region))
            .ToListAsync(ct);
        var found = regions.ToDictionary(r => r, _ => 0, StringComparer.Ordinal);
        var third = new Dictionary<string, DateOnly>(StringComparer.Ordinal);

        // One walk for every region at once, stopped as soon as each region with slots has its third.
        var open = sources.Select(s => s.Region).ToHashSet(StringComparer.Ordinal);
        if (from <= program.EndsOn && open.Count > 0)
            await foreach (var free in FreeSlotWalk.FromAsync(db, calendar, sources, from, program.EndsOn, now, ct))
            {
                var region = free.Source.Region;
                if (third.ContainsKey(region)) continue;
                found[region] = found.GetValueOrDefault(region) + 1;
                if (found[region] < Third) continue;
                third[region] = free.Slot.Date;
                open.Remove(region);
                if (open.Count == 0) break;
            }

        return found.Keys.Order(StringComparer.Ordinal)
            .Select(r => third.TryGetValue(r, out var date)
                ? new ThirdNextAvailable(r, date, date.DayNumber - today.DayNumber)
                : new ThirdNextAvailable(r, null, null))
            .ToList();
    }
}
