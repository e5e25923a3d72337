namespace Contingency.Data.Calendar;

/// <summary>Business days are Monday to Friday, less the program's holidays.</summary>
public static class BusinessDays
{
    public static bool IsBusinessDay(DateOnly date, IReadOnlySet<DateOnly> holidays) =>
        date.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday) && !holidays.Contains(date);

    /// <summary>The n-th business day after <paramref name="from"/> (from itself never counts).</summary>
    public static DateOnly After(DateOnly from, int n, IReadOnlySet<DateOnly> holidays)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(n);
        var date = from;
        while (n > 0)
        {
            date = date.AddDays(1);
            if (IsBusinessDay(date, holidays)) n--;
        }
        return date;
    }

    /// <summary>
    /// How many business days <paramref name="date"/> lies past <paramref name="dueBy"/>: the least n with
    /// <c>After(dueBy, n) &gt;= date</c>, so the first business day after the due date is 1 late and a
    /// weekend or holiday after it counts as the business day that follows. 0 when date is not past dueBy.
    /// </summary>
    public static int Late(DateOnly dueBy, DateOnly date, IReadOnlySet<DateOnly> holidays)
    {
        var late = 0;
        for (var day = dueBy; day < date; )
        {
            day = After(day, 1, holidays);
            late++;
        }
        return late;
    }
}
