namespace Contingency.Tests.Rules;

using Contingency.Data.Calendar;
using Contingency.Data.Entities;

public sealed class SlotCalendarTests
{
    private static readonly ProgramZone LosAngeles = ProgramZone.Find("America/Los_Angeles");
    private static readonly DayOfWeek[] Weekdays = [DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday];

    private static SlotCalendar Calendar(params string[] holidays) =>
        new(LosAngeles, holidays.Select(DateOnly.Parse).ToHashSet(), 60);

    private static SlotPattern Pattern(string startsOn = "2027-03-01", int weeks = 8, int slotsPerDay = 6, string firstSlotAt = "09:00",
        DayOfWeek[]? days = null, params string[] excluded)
    {
        var start = DateOnly.Parse(startsOn);
        return new SlotPattern(slotsPerDay, WeekdaySet.Of(days ?? Weekdays), TimeOnly.Parse(firstSlotAt), start,
            start.AddDays(7 * weeks - 1), excluded.Select(DateOnly.Parse).ToHashSet());
    }

    public static TheoryData<string, string, int> DaysOfAWeekdayPattern => new()
    {
        // date, why, slots that day (6 a day, Mon-Fri, from Monday 2027-03-01; holiday 2027-03-05; excluded 2027-03-10)
        { "2027-03-01", "first day, a Monday", 6 },
        { "2027-03-05", "program holiday", 0 },
        { "2027-03-06", "Saturday", 0 },
        { "2027-03-07", "Sunday", 0 },
        { "2027-03-10", "excluded date", 0 },
        { "2027-03-15", "first weekday after the spring change", 6 },
        { "2027-02-26", "before the commitment", 0 },
        { "2027-04-23", "last Friday", 6 },
        { "2027-04-26", "after the commitment", 0 },
        { "2027-03-31", "month end", 6 },
    };

    [Theory]
    [MemberData(nameof(DaysOfAWeekdayPattern))]
    public void Counts_the_slots_of_each_day(string date, string why, int expected)
    {
        var calendar = Calendar("2027-03-05");
        var pattern = Pattern(excluded: "2027-03-10");
        Assert.True(expected == calendar.CountOn(pattern, DateOnly.Parse(date)), why);
        Assert.Equal(expected, calendar.SlotsOn(pattern, DateOnly.Parse(date)).Count());
    }

    public static TheoryData<string, string, string[]> SlotStarts => new()
    {
        // date, why, the starts of that day's slots (4 a day from 00:00, every day of the week)
        { "2027-03-13", "the day before spring-forward", ["2027-03-13T00:00:00-08:00", "2027-03-13T01:00:00-08:00", "2027-03-13T02:00:00-08:00", "2027-03-13T03:00:00-08:00"] },
        { "2027-03-14", "spring-forward: 02:00 does not exist and is skipped", ["2027-03-14T00:00:00-08:00", "2027-03-14T01:00:00-08:00", "2027-03-14T03:00:00-07:00"] },
        { "2027-11-07", "fall-back: 01:00 happens twice and takes the earlier offset", ["2027-11-07T00:00:00-07:00", "2027-11-07T01:00:00-07:00", "2027-11-07T02:00:00-08:00", "2027-11-07T03:00:00-08:00"] },
        { "2027-11-08", "the day after fall-back", ["2027-11-08T00:00:00-08:00", "2027-11-08T01:00:00-08:00", "2027-11-08T02:00:00-08:00", "2027-11-08T03:00:00-08:00"] },
    };

    [Theory]
    [MemberData(nameof(SlotStarts))]
    public void Places_slots_on_the_wall_clock_across_daylight_saving_changes(string date, string why, string[] expected)
    {
        var calendar = Calendar();
        var pattern = Pattern(startsOn: "2027-03-01", weeks: 40, slotsPerDay: 4, firstSlotAt: "00:00", days: Enum.GetValues<DayOfWeek>());
        var slots = calendar.SlotsOn(pattern, DateOnly.Parse(date)).ToList();
        Assert.True(expected.Length == slots.Count, why);
        Assert.Equal(expected.Select(DateTimeOffset.Parse), slots.Select(s => s.Start));
        Assert.Equal(expected.Length, calendar.CountOn(pattern, DateOnly.Parse(date)));
        // Offsets are those in force at each instant, and a session lasts its 60 elapsed minutes.
        Assert.Equal(expected, slots.Select(s => LosAngeles.ToLocal(s.Start).ToString("yyyy-MM-ddTHH:mm:sszzz")));
        Assert.All(slots, s => Assert.Equal(TimeSpan.FromMinutes(60), s.End - s.Start));
    }

    public static TheoryData<string, int, string[], string, int> Totals => new()
    {
        // startsOn, weeks, holidays, why, total slots (6 a day, Mon-Fri)
        { "2027-03-01", 8, [], "8 full weeks", 240 },
        { "2027-03-01", 8, ["2027-03-05"], "8 weeks with one weekday holiday", 234 },
        { "2027-03-01", 8, ["2027-03-06"], "a holiday on a Saturday changes nothing", 240 },
        { "2027-03-03", 1, [], "starts mid-week: Wednesday to the next Tuesday", 30 },
        { "2027-03-03", 2, ["2027-03-08"], "mid-week start with a Monday holiday", 54 },
    };

    [Theory]
    [MemberData(nameof(Totals))]
    public void Totals_a_commitment(string startsOn, int weeks, string[] holidays, string why, int expected)
    {
        Assert.True(expected == Calendar(holidays).Count(Pattern(startsOn, weeks)), why);
        Assert.Equal(expected, Calendar(holidays).Slots(Pattern(startsOn, weeks), DateOnly.MinValue, DateOnly.MaxValue).Count());
    }

    [Fact]
    public void Finds_a_slot_by_its_exact_instant_only()
    {
        var calendar = Calendar();
        var pattern = Pattern();
        Assert.NotNull(calendar.Find(pattern, DateTimeOffset.Parse("2027-03-15T09:00:00-07:00")));
        Assert.NotNull(calendar.Find(pattern, DateTimeOffset.Parse("2027-03-15T16:00:00Z")));
        Assert.Null(calendar.Find(pattern, DateTimeOffset.Parse("2027-03-15T09:30:00-07:00")));
        Assert.Null(calendar.Find(pattern, DateTimeOffset.Parse("2027-03-15T15:00:00-07:00")));
        Assert.Null(calendar.Find(pattern, DateTimeOffset.Parse("2027-03-13T09:00:00-08:00")));
    }

    [Fact]
    public void A_program_extended_by_two_weeks_ends_fourteen_days_later_and_covers_them()
    {
        var program = new CareProgram("p", "p", LosAngeles, new DateOnly(2027, 3, 1), 8, 60, [],
            new Rates(150m, 50m, 1000m, "USD"), DayOfWeek.Friday, new TimeOnly(17, 0), DateTimeOffset.UnixEpoch);
        Assert.Equal(new DateOnly(2027, 4, 25), program.EndsOn);
        Assert.False(program.Covers(new DateOnly(2027, 4, 26), new DateOnly(2027, 5, 9)));

        program.Extend(2);

        Assert.Equal(new DateOnly(2027, 5, 9), program.EndsOn);
        Assert.True(program.Covers(new DateOnly(2027, 4, 26), new DateOnly(2027, 5, 9)));
        // The extension's slots follow the same rules: two more weeks of a Mon-Fri pattern.
        Assert.Equal(60, program.Calendar().Count(Pattern("2027-04-26", 2)));
    }

    [Theory]
    [InlineData("2027-03-01", "2027-03-01")]
    [InlineData("2027-03-03", "2027-03-01")]
    [InlineData("2027-03-07", "2027-03-01")]
    [InlineData("2027-03-08", "2027-03-08")]
    [InlineData("2027-01-01", "2026-12-28")]
    public void Weeks_run_Monday_to_Sunday(string date, string monday) =>
        Assert.Equal(DateOnly.Parse(monday), SlotCalendar.WeekOf(DateOnly.Parse(date)));

    [Fact]
    public void A_day_never_runs_past_midnight()
    {
        var pattern = Pattern(slotsPerDay: 3, firstSlotAt: "22:00");
        Assert.Equal(new TimeOnly(23, 0), Calendar().WallClockStart(pattern, 1));
        Assert.Null(Calendar().WallClockStart(pattern, 2));
    }
}
