namespace Contingency.Data.Payments;

using Contingency.Data.Calendar;

/// <summary>
/// When a program pays: its payment weekday and wall-clock time (whole minutes), in its own zone.
/// This is the one rule for a payment moment: the advances' <c>dueAt</c>, the adjustments' and the
/// instant the scheduler fires the program's payment run all come from here, so they are equal.
/// On a day when the clocks change, a payment time inside the spring-forward gap is reached at the
/// end of the gap (02:30 on a 02:00 -> 03:00 day pays at 03:00), and one inside the fall-back
/// overlap at its first occurrence (the earlier offset).
/// </summary>
public sealed record PaymentMoments(ProgramZone Zone, DayOfWeek Weekday, TimeOnly Time)
{
    /// <summary>The payment moment on a given local date (which should be a payment weekday).</summary>
    public DateTimeOffset On(DateOnly date) => Zone.ReachedAt(date, Time);

    /// <summary>The last payment moment before the week's Monday begins (a Monday payday means the Monday before).</summary>
    public DateTimeOffset DueBeforeWeek(DateOnly monday)
    {
        var daysBack = ((int)DayOfWeek.Monday - (int)Weekday + 7) % 7;
        return On(monday.AddDays(-(daysBack == 0 ? 7 : daysBack)));
    }

    /// <summary>The first payment moment strictly after <paramref name="instant"/>.</summary>
    public DateTimeOffset Next(DateTimeOffset instant)
    {
        var date = Zone.LocalDateOf(instant);
        date = date.AddDays(((int)Weekday - (int)date.DayOfWeek + 7) % 7);
        var moment = On(date);
        return moment > instant ? moment : On(date.AddDays(7));
    }
}
