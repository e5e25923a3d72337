namespace Contingency.Screens;

using Contingency.Features.Programs;

/// <summary>Which program a screen opens on when none is named: the most recent one running, else the next to start, else the last to end.</summary>
public static class ProgramChoice
{
    public static T? Current<T>(IReadOnlyList<T> programs, DateTimeOffset now) where T : class, IProgramDates
    {
        bool Running(T p) => Today(p, now) is var today && p.StartsOn <= today && today <= p.EndsOn;
        return programs.Where(Running).OrderByDescending(p => p.StartsOn).ThenBy(p => p.Id, StringComparer.Ordinal).FirstOrDefault()
               ?? programs.Where(p => p.StartsOn > Today(p, now)).OrderBy(p => p.StartsOn).ThenBy(p => p.Id, StringComparer.Ordinal).FirstOrDefault()
               ?? programs.OrderByDescending(p => p.EndsOn).ThenBy(p => p.Id, StringComparer.Ordinal).FirstOrDefault();
    }

    /// <summary>Today in the zone of the program a screen would open on; the UTC date only when there is no program at all.</summary>
    public static DateOnly TodayIn<T>(IReadOnlyList<T> programs, DateTimeOffset now) where T : class, IProgramDates =>
        Current(programs, now) is { } program ? Today(program, now) : DateOnly.FromDateTime(now.UtcDateTime);

    /// <summary>The date in the program's own zone.</summary>
    public static DateOnly Today(IProgramDates program, DateTimeOffset now) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, TimeZoneInfo.FindSystemTimeZoneById(program.TimeZone)).DateTime);
}
