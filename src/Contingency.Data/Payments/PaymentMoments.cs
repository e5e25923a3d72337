namespace Contingency.Data.Payments;

using Contingency.Data.Calendar;

/// <summary>When a program pays: its payment weekday and wall-clock time, in its own zone.</summary>
public sealed record PaymentMoments(ProgramZone Zone, DayOfWeek Weekday, TimeOnly Time)
{
    /// <summary>The last payment moment before the week's Monday begins (a Monday payday means the Monday before).</summary>
    public DateTimeOffset DueBeforeWeek(DateOnly monday)
    {
        var daysBack = ((int)DayOfWeek.Monday - (int)Weekday + 7) % 7;
        return At(monday.AddDays(-(daysBack == 0 ? 7 : daysBack)));
    }

    /// <summary>The first payment moment strictly after <paramref name="instant"/>.</summary>
    public DateTimeOffset Next(DateTimeOffset instant)
    {
        var date = Zone.LocalDateOf(instant);
        date = date.AddDays(((int)Weekday - (int)date.DayOfWeek + 7) % 7);
        var moment = At(date);
        return moment > instant ? moment : At(date.AddDays(7));
    }

    // A payment time that falls into a spring-forward gap moves to the first instant after it.
    private DateTimeOffset At(DateOnly date) =>
        Zone.ToInstant(date, Time) ?? Zone.ToInstant(date, Time.AddHours(1))!.Value;
}
