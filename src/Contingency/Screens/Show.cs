namespace Contingency.Screens;

using System.Globalization;

/// <summary>
/// How the screens write dates, times and money. The API answers instants in the program's zone with
/// their offset, so a time is shown as the API gives it: its wall-clock time, and the offset beside it
/// (on a DST change the offset is what tells two 01:30s apart).
/// </summary>
public static class Show
{
    public static string Date(DateOnly date) => date.ToString("ddd yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string Date(DateOnly? date) => date is { } d ? Date(d) : "";

    /// <summary>Weekday, date, time and offset: <c>Mon 2027-03-01 09:00 −08:00</c>.</summary>
    public static string Time(DateTimeOffset instant) =>
        instant.ToString("ddd yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " " + Offset(instant.Offset);

    /// <summary>The time of day alone, with the offset: <c>09:00 −08:00</c>.</summary>
    public static string Clock(DateTimeOffset instant) => instant.ToString("HH:mm", CultureInfo.InvariantCulture) + " " + Offset(instant.Offset);

    public static string Offset(TimeSpan offset) =>
        (offset < TimeSpan.Zero ? "\u2212" : "+") + offset.Duration().ToString(@"hh\:mm", CultureInfo.InvariantCulture);

    public static string Money(decimal amount, string currency) =>
        amount.ToString("#,##0.00", CultureInfo.InvariantCulture) + " " + currency;

    public static string Count(int count) => count.ToString("#,##0", CultureInfo.InvariantCulture);

    /// <summary>A ratio 0..1 as a percentage with one decimal; empty when there is none.</summary>
    public static string Percent(decimal? ratio) => ratio is { } r ? (r * 100).ToString("0.0", CultureInfo.InvariantCulture) + " %" : "";
}
