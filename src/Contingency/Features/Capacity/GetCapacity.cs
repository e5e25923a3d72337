namespace Contingency.Features.Capacity;

using Contingency.Data;
using Contingency.Data.Calendar;
using Contingency.Data.Entities;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;

/// <summary>
/// <c>Demand</c> and <c>Gap</c> (demand less committed, never below 0) are weekly figures per region: they are
/// null by day and with a licence filter, which demand does not break down by.
/// </summary>
public sealed record CapacityFigures(int Committed, int Booked, int Free, decimal Utilization, int? Demand = null, int? Gap = null)
{
    public static CapacityFigures Of(int committed, int booked) => new(committed, booked, committed - booked,
        committed == 0 ? 0m : Math.Round((decimal)booked / committed, 4, MidpointRounding.AwayFromZero));
}

public sealed record CapacityRow(DateOnly Period, string Region, int Committed, int Booked, int Free, decimal Utilization,
    int? Demand = null, int? Gap = null);

/// <summary>Follow-ups held in the program and how many meet the 10-business-day standard.</summary>
public sealed record TimelyAccessFigures(int FollowUps, int Met, int NotMet);

/// <summary>The totals of one licence type: the rows' figures for its providers alone, over the same periods and regions.</summary>
public sealed record LicenseTypeFigures(string LicenseType, int Committed, int Booked, int Free, decimal Utilization);

/// <summary>
/// <c>ByLicenseType</c> breaks <c>Totals</c> down by licence type (ordered by it, only types with committed or
/// booked slots) from the same pass over the data, so one answer serves a utilization-by-licence view.
/// </summary>
public sealed record CapacityView(string ProgramId, string By, CapacityFigures Totals, IReadOnlyList<CapacityRow> Rows,
    TimelyAccessFigures TimelyAccess, IReadOnlyList<LicenseTypeFigures> ByLicenseType);

public sealed record GetCapacity(string ProgramId, string By, string? Region, string? LicenseType) : IQuery<CapacityView>;

public sealed class GetCapacityValidator : AbstractValidator<GetCapacity>
{
    public GetCapacityValidator() =>
        RuleFor(q => q.By).Must(b => b is "week" or "day").WithMessage("by is week or day.");
}

/// <summary>
/// Committed slots are counted from the commitments' patterns: commitments that share a pattern, region
/// and licence type are counted once and multiplied, so this is pure arithmetic over a handful of groups.
/// Booked slots are the database's own counts (BookedCounts, kept by triggers on Appointments per
/// region, licence type, local day, kind and timeliness), so no appointment is read at all. Both are
/// then folded into days or Monday-started weeks, and into the licence types' totals.
/// </summary>
public sealed class GetCapacityHandler(ContingencyDb db) : IQueryHandler<GetCapacity, CapacityView>
{
    public async ValueTask<CapacityView> Handle(GetCapacity query, CancellationToken ct)
    {
        var program = await db.Programs.AsNoTracking().FirstOrDefaultAsync(p => p.Id == query.ProgramId, ct)
            ?? throw new NotFoundException("program", query.ProgramId);
        var calendar = program.Calendar();
        Func<DateOnly, DateOnly> periodOf = query.By == "day" ? d => d : SlotCalendar.WeekOf;

        var committedByLicence = await CommittedAsync(program.Id, query, calendar, periodOf, ct);

        var held = db.BookedCounts.AsNoTracking().Where(c => c.ProgramId == program.Id && c.Count != 0);
        if (!string.IsNullOrEmpty(query.Region)) held = held.Where(c => c.Region == query.Region);
        if (!string.IsNullOrEmpty(query.LicenseType)) held = held.Where(c => c.LicenseType == query.LicenseType);
        var groups = await held
            .Select(c => new { c.LocalDate, c.Region, c.LicenseType, c.Kind, c.TimelyAccess, c.Count })
            .ToListAsync(ct);

        var booked = new Dictionary<(DateOnly, string), int>();
        var bookedByLicence = new Dictionary<string, int>(StringComparer.Ordinal);
        int met = 0, notMet = 0;
        foreach (var g in groups)
        {
            var key = (periodOf(g.LocalDate), g.Region);
            booked[key] = booked.GetValueOrDefault(key) + g.Count;
            bookedByLicence[g.LicenseType] = bookedByLicence.GetValueOrDefault(g.LicenseType) + g.Count;
            if (g.Kind != Appointment.FollowUp) continue;
            if (g.TimelyAccess == 1) met += g.Count;
            else notMet += g.Count;
        }

        // Demand is weekly and per region: a region with need but nothing committed still has a row each week, all gap.
        var demand = query.By == "week" && string.IsNullOrEmpty(query.LicenseType) ? await DemandAsync(program.Id, query.Region, ct) : null;
        var committed = new Dictionary<(DateOnly, string), int>();
        var committedLicence = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var ((period, region, licence), count) in committedByLicence)
        {
            committed[(period, region)] = committed.GetValueOrDefault((period, region)) + count;
            committedLicence[licence] = committedLicence.GetValueOrDefault(licence) + count;
        }
        var byLicence = committedLicence.Keys.Union(bookedByLicence.Keys).Order(StringComparer.Ordinal)
            .Select(t =>
            {
                var f = CapacityFigures.Of(committedLicence.GetValueOrDefault(t), bookedByLicence.GetValueOrDefault(t));
                return new LicenseTypeFigures(t, f.Committed, f.Booked, f.Free, f.Utilization);
            })
            .ToList();

        var keys = committed.Keys.Union(booked.Keys);
        if (demand is not null)
            keys = keys.Union(
                from week in Weeks(program.StartsOn, program.EndsOn)
                from d in demand where d.Value > 0
                select (week, d.Key));

        var rows = keys
            .OrderBy(k => k.Item1).ThenBy(k => k.Item2, StringComparer.Ordinal)
            .Select(k =>
            {
                var f = CapacityFigures.Of(committed.GetValueOrDefault(k), booked.GetValueOrDefault(k));
                int? need = demand is null ? null : demand.GetValueOrDefault(k.Item2);
                return new CapacityRow(k.Item1, k.Item2, f.Committed, f.Booked, f.Free, f.Utilization, need, Gap(need, f.Committed));
            })
            .ToList();
        var totals = CapacityFigures.Of(rows.Sum(r => r.Committed), rows.Sum(r => r.Booked)) with
        {
            Demand = demand is null ? null : rows.Sum(r => r.Demand!.Value),
            Gap = demand is null ? null : rows.Sum(r => r.Gap!.Value),
        };
        return new CapacityView(program.Id, query.By, totals, rows, new TimelyAccessFigures(met + notMet, met, notMet), byLicence);
    }

    private static int? Gap(int? demand, int committed) => demand is { } d ? Math.Max(0, d - committed) : null;

    private static IEnumerable<DateOnly> Weeks(DateOnly startsOn, DateOnly endsOn)
    {
        for (var week = SlotCalendar.WeekOf(startsOn); week <= endsOn; week = week.AddDays(7)) yield return week;
    }

    private async Task<Dictionary<string, int>> DemandAsync(string programId, string? region, CancellationToken ct)
    {
        var demand = db.RegionDemands.AsNoTracking().Where(d => d.ProgramId == programId);
        if (!string.IsNullOrEmpty(region)) demand = demand.Where(d => d.Region == region);
        return await demand.ToDictionaryAsync(d => d.Region, d => d.SessionsPerWeek, StringComparer.Ordinal, ct);
    }

    private async Task<Dictionary<(DateOnly Period, string Region, string LicenseType), int>> CommittedAsync(string programId, GetCapacity query,
        SlotCalendar calendar, Func<DateOnly, DateOnly> periodOf, CancellationToken ct)
    {
        var providers = db.Providers.AsNoTracking();
        if (!string.IsNullOrEmpty(query.Region)) providers = providers.Where(p => p.Region == query.Region);
        if (!string.IsNullOrEmpty(query.LicenseType)) providers = providers.Where(p => p.LicenseType == query.LicenseType);
        var rows = await db.Commitments.AsNoTracking()
            .Where(c => c.ProgramId == programId && c.EndsOn >= c.StartsOn)
            .Join(providers, c => c.ProviderId, p => p.Id, (c, p) => new
            {
                c.SlotsPerDay, c.WeekdayMask, c.FirstSlotAt, c.StartsOn, c.EndsOn, c.ExcludedDates, p.Region, p.LicenseType,
            })
            .ToListAsync(ct);

        var committed = new Dictionary<(DateOnly, string, string), int>();
        var alike = rows.GroupBy(r => (r.SlotsPerDay, r.WeekdayMask, r.FirstSlotAt, r.StartsOn, r.EndsOn, r.Region, r.LicenseType,
            Excluded: string.Join(',', r.ExcludedDates)));
        foreach (var group in alike)
        {
            var r = group.First();
            var pattern = SlotPattern.Of(r.SlotsPerDay, r.WeekdayMask, r.FirstSlotAt, r.StartsOn, r.EndsOn, r.ExcludedDates);
            var multiplicity = group.Count();
            for (var date = pattern.StartsOn; date <= pattern.EndsOn; date = date.AddDays(1))
            {
                var count = calendar.CountOn(pattern, date);
                if (count == 0) continue;
                var key = (periodOf(date), r.Region, r.LicenseType);
                committed[key] = committed.GetValueOrDefault(key) + count * multiplicity;
            }
        }
        return committed;
    }
}
