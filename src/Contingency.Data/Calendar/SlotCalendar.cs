namespace Contingency.Data.Calendar;

/// <summary>
/// The slot arithmetic of one program: which days have slots and when each slot starts.
/// Slots are never stored as rows. They follow from a commitment's pattern, so we compute them
/// here and store only what changes: appointments, which hold a slot through a unique
/// (provider, start) key. Committed capacity is then a cheap count over a few thousand
/// commitments, and withdrawal or extension never has to rewrite millions of slot rows.
/// </summary>
public sealed class SlotCalendar(ProgramZone zone, IReadOnlySet<DateOnly> holidays, int sessionMinutes)
{
    private readonly Dictionary<DateOnly, bool> regularDays = new();

    public ProgramZone Zone => zone;
    public IReadOnlySet<DateOnly> Holidays => holidays;
    public TimeSpan SessionLength => TimeSpan.FromMinutes(sessionMinutes);

    /// <summary>True when the pattern offers slots on that day at all (before any DST gap).</summary>
    public bool IsWorkingDay(SlotPattern pattern, DateOnly date) =>
        date >= pattern.StartsOn && date <= pattern.EndsOn
        && pattern.Weekdays.Contains(date.DayOfWeek)
        && !holidays.Contains(date)
        && !pattern.ExcludedDates.Contains(date);

    /// <summary>The wall-clock start of slot k, or null when it would reach past midnight.</summary>
    public TimeOnly? WallClockStart(SlotPattern pattern, int k)
    {
        var minutes = MinutesAfterMidnight(pattern.FirstSlotAt, k, sessionMinutes);
        return minutes < MinutesPerDay ? new TimeOnly(minutes / 60, minutes % 60) : null;
    }

    /// <summary>True when the last of a day's slots would end after 24:00 of wall-clock time.</summary>
    public static bool DayEndsAfterMidnight(TimeOnly firstSlotAt, int slotsPerDay, int sessionMinutes) =>
        MinutesAfterMidnight(firstSlotAt, slotsPerDay, sessionMinutes) > MinutesPerDay;

    private const int MinutesPerDay = 24 * 60;

    private static int MinutesAfterMidnight(TimeOnly firstSlotAt, int k, int sessionMinutes) =>
        firstSlotAt.Hour * 60 + firstSlotAt.Minute + k * sessionMinutes;

    public IEnumerable<Slot> SlotsOn(SlotPattern pattern, DateOnly date)
    {
        if (!IsWorkingDay(pattern, date)) yield break;
        for (var k = 0; k < pattern.SlotsPerDay; k++)
        {
            if (WallClockStart(pattern, k) is not { } wall) yield break;
            // A start time inside the spring-forward gap does not exist that day: skipped.
            if (zone.ToInstant(date, wall) is not { } start) continue;
            yield return new Slot(date, start, start + SessionLength);
        }
    }

    public IEnumerable<Slot> Slots(SlotPattern pattern, DateOnly from, DateOnly to)
    {
        var first = Max(from, pattern.StartsOn);
        var last = Min(to, pattern.EndsOn);
        for (var date = first; date <= last; date = date.AddDays(1))
            foreach (var slot in SlotsOn(pattern, date))
                yield return slot;
    }

    public int CountOn(SlotPattern pattern, DateOnly date)
    {
        if (!IsWorkingDay(pattern, date)) return 0;
        if (IsRegularDay(date)) return pattern.SlotsPerDay;
        return SlotsOn(pattern, date).Count();
    }

    public int Count(SlotPattern pattern, DateOnly from, DateOnly to)
    {
        var total = 0;
        var last = Min(to, pattern.EndsOn);
        for (var date = Max(from, pattern.StartsOn); date <= last; date = date.AddDays(1))
            total += CountOn(pattern, date);
        return total;
    }

    public int Count(SlotPattern pattern) => Count(pattern, pattern.StartsOn, pattern.EndsOn);

    /// <summary>The slot of the pattern that starts at exactly this instant, if there is one.</summary>
    public Slot? Find(SlotPattern pattern, DateTimeOffset start)
    {
        var date = zone.LocalDateOf(start);
        foreach (var slot in SlotsOn(pattern, date))
            if (slot.Start == start) return slot;
        return null;
    }

    private bool IsRegularDay(DateOnly date)
    {
        if (!regularDays.TryGetValue(date, out var regular))
            regularDays[date] = regular = zone.IsRegularDay(date);
        return regular;
    }

    public static DateOnly Max(DateOnly a, DateOnly b) => a > b ? a : b;
    public static DateOnly Min(DateOnly a, DateOnly b) => a < b ? a : b;

    /// <summary>The Monday of the Monday-to-Sunday week holding the date.</summary>
    public static DateOnly WeekOf(DateOnly date) => date.AddDays(-(((int)date.DayOfWeek + 6) % 7));
}
