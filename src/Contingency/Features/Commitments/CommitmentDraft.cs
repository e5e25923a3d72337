namespace Contingency.Features.Commitments;

using System.Globalization;

/// <summary>A commitment as the screen edits it, and the body the API takes (the same for its preview and for recording it).</summary>
public sealed class CommitmentDraft
{
    public static readonly DayOfWeek[] Week =
        [DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday, DayOfWeek.Saturday, DayOfWeek.Sunday];

    public string ProgramId { get; set; } = "";
    public int SlotsPerDay { get; set; } = 6;
    public HashSet<DayOfWeek> Weekdays { get; } = [DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday];
    public TimeOnly FirstSlotAt { get; set; } = new(9, 0);
    public DateOnly StartsOn { get; set; }
    public int Weeks { get; set; } = 4;
    /// <summary>Dates as yyyy-MM-dd, separated by commas or spaces.</summary>
    public string ExcludedDates { get; set; } = "";

    /// <summary>The excluded dates, or the first text that is not a date.</summary>
    public (List<DateOnly> Dates, string? NotADate) Excluded()
    {
        var dates = new List<DateOnly>();
        foreach (var text in ExcludedDates.Split([',', ' ', ';', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)) return (dates, text);
            dates.Add(date);
        }
        return (dates, null);
    }

    public CommitBody Body(string providerId) => new(providerId, SlotsPerDay, Week.Where(Weekdays.Contains).ToList(), FirstSlotAt, StartsOn, Weeks,
        Excluded().Dates);
}
