namespace Contingency.Data.Calendar;

/// <summary>What a commitment promises, reduced to what decides its slots.</summary>
public sealed record SlotPattern(
    int SlotsPerDay,
    WeekdaySet Weekdays,
    TimeOnly FirstSlotAt,
    DateOnly StartsOn,
    DateOnly EndsOn,
    IReadOnlySet<DateOnly> ExcludedDates)
{
    /// <summary>The pattern of a commitment's stored columns (what a query projects instead of the whole entity).</summary>
    public static SlotPattern Of(int slotsPerDay, int weekdayMask, TimeOnly firstSlotAt, DateOnly startsOn, DateOnly endsOn,
        IEnumerable<DateOnly> excludedDates) =>
        new(slotsPerDay, new WeekdaySet(weekdayMask), firstSlotAt, startsOn, endsOn, excludedDates.ToHashSet());
}

/// <summary>A set of weekdays as a bit mask (bit n = DayOfWeek n), cheap to store and to test.</summary>
public readonly record struct WeekdaySet(int Mask)
{
    public static WeekdaySet Of(IEnumerable<DayOfWeek> days) => new(days.Aggregate(0, (m, d) => m | (1 << (int)d)));

    public bool Contains(DayOfWeek day) => (Mask & (1 << (int)day)) != 0;

    public IEnumerable<DayOfWeek> Days =>
        // Monday first, the way people list a working week.
        new[] { DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday,
                DayOfWeek.Friday, DayOfWeek.Saturday, DayOfWeek.Sunday }.Where(Contains);

    public bool IsEmpty => Mask == 0;
}

public readonly record struct Slot(DateOnly Date, DateTimeOffset Start, DateTimeOffset End);
