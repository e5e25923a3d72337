namespace Contingency.Tests.Screens;

using Contingency.Features.Programs;
using Contingency.Screens;

public sealed class ProgramChoiceTests
{
    private static ProgramView Program(string id, string startsOn, int weeks, string zone = "America/Los_Angeles") =>
        new(id, id, zone, DateOnly.Parse(startsOn), weeks, DateOnly.Parse(startsOn).AddDays(7 * weeks - 1), 60, [],
            new RatesView(150, 40, 1000, "USD"), new PaymentMomentView(DayOfWeek.Friday, new TimeOnly(17, 0)));

    [Theory]
    // now (UTC), why, the program chosen
    [InlineData("2027-03-10T18:00:00Z", "two running: the one that started last", "late")]
    [InlineData("2027-02-20T18:00:00Z", "none running: the next to start", "early")]
    [InlineData("2027-09-01T18:00:00Z", "all ended: the last to end", "late")]
    [InlineData("2027-03-01T07:59:00Z", "the late one starts on 2027-03-01, but it is still 2027-02-28 in Los Angeles", "early")]
    public void The_overview_opens_on_the_most_recent_running_program(string now, string why, string expected)
    {
        var programs = new List<ProgramView> { Program("early", "2027-02-22", 8), Program("late", "2027-03-01", 8), Program("ended", "2026-01-05", 4) };
        Assert.True(expected == ProgramChoice.Current(programs, DateTimeOffset.Parse(now, System.Globalization.CultureInfo.InvariantCulture))?.Id, why);
    }

    [Fact]
    public void No_program_no_choice() => Assert.Null(ProgramChoice.Current(new List<ProgramView>(), DateTimeOffset.UnixEpoch));
}
