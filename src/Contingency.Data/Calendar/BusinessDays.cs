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
}
