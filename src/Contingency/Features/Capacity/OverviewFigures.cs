namespace Contingency.Features.Capacity;

using Contingency.Features.Payments;

/// <summary>One week of the program across its regions: the API's rows for that week, summed.</summary>
public sealed record WeekFigures(DateOnly Week, int Committed, int Booked, int Free, int Demand, int Gap);

/// <summary>The day x region utilization grid: regions down, days across, a cell null where the API has no row.</summary>
public sealed record UtilizationGrid(IReadOnlyList<DateOnly> Days, IReadOnlyList<string> Regions, decimal?[][] Cells);

/// <summary>
/// The overview's arithmetic over API answers, and nothing else: every figure is an API row or a sum of
/// API rows, so the screen never computes a number the API could disagree with.
/// </summary>
public static class OverviewFigures
{
    /// <summary>The capacity rows (by week, per region) summed per week; demand and gap count 0 where the API gives none.</summary>
    public static IReadOnlyList<WeekFigures> Weeks(IEnumerable<CapacityRow> rows) =>
        rows.GroupBy(r => r.Period).OrderBy(g => g.Key)
            .Select(g => new WeekFigures(g.Key, g.Sum(r => r.Committed), g.Sum(r => r.Booked), g.Sum(r => r.Free),
                g.Sum(r => r.Demand ?? 0), g.Sum(r => r.Gap ?? 0)))
            .ToList();

    /// <summary>The capacity rows by day laid out as a grid of the API's utilization, regions in the API's order.</summary>
    public static UtilizationGrid Grid(IEnumerable<CapacityRow> rows)
    {
        var list = rows.ToList();
        var days = list.Select(r => r.Period).Distinct().Order().ToList();
        var regions = list.Select(r => r.Region).Distinct().Order(StringComparer.Ordinal).ToList();
        var cells = regions.Select(_ => new decimal?[days.Count]).ToArray();
        foreach (var r in list) cells[regions.IndexOf(r.Region)][days.IndexOf(r.Period)] = r.Utilization;
        return new UtilizationGrid(days, regions, cells);
    }

    /// <summary>The scheduler's job for a program, if one is armed.</summary>
    public static JobView? JobOf(IEnumerable<JobView> jobs, string programId) =>
        jobs.FirstOrDefault(j => j.Job.EndsWith(PaymentTriggers.JobKeyOf(programId).Name, StringComparison.Ordinal));

    /// <summary>
    /// The <c>dueBefore</c> (a local date, exclusive) that reaches every payment due at the coming moment: the day after
    /// the scheduler's next firing, or, with none armed, the day after the program's next payment weekday from today.
    /// </summary>
    public static DateOnly DueBefore(DateTimeOffset? nextFireAt, DayOfWeek paymentWeekday, DateOnly today)
    {
        if (nextFireAt is { } next) return DateOnly.FromDateTime(next.DateTime).AddDays(1);
        var days = ((int)paymentWeekday - (int)today.DayOfWeek + 7) % 7;
        return today.AddDays(days + 1);
    }
}
