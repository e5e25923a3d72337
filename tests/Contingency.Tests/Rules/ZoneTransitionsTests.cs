namespace Contingency.Tests.Rules;

using Contingency.Data.Calendar;

/// <summary>The offset changes a calendar feed's VTIMEZONE spells out, one case per kind of zone.</summary>
public sealed class ZoneTransitionsTests
{
    [Theory]
    // Spring forward and fall back in California, 2027: 02:00 local, an hour each way.
    [InlineData("America/Los_Angeles", "2027-03-01", "2027-04-01", "2027-03-14T10:00:00Z", -8.0, -7.0, true)]
    [InlineData("America/Los_Angeles", "2027-10-20", "2027-11-30", "2027-11-07T09:00:00Z", -7.0, -8.0, false)]
    // Europe changes at 01:00 UTC.
    [InlineData("Europe/London", "2027-03-01", "2027-04-15", "2027-03-28T01:00:00Z", 0.0, 1.0, true)]
    // Half an hour, on the other side of the world, in April.
    [InlineData("Australia/Lord_Howe", "2027-03-20", "2027-04-20", "2027-04-03T15:00:00Z", 11.0, 10.5, false)]
    public void Finds_the_one_change_in_the_window(string zone, string from, string to, string at, double before, double after, bool daylight)
    {
        var change = Assert.Single(ProgramZone.Find(zone).Transitions(DateTimeOffset.Parse(from + "T00:00:00Z"), DateTimeOffset.Parse(to + "T00:00:00Z")));
        Assert.Equal(DateTimeOffset.Parse(at), change.At);
        Assert.Equal(TimeSpan.FromHours(before), change.Before);
        Assert.Equal(TimeSpan.FromHours(after), change.After);
        Assert.Equal(daylight, change.Daylight);
    }

    [Theory]
    [InlineData("Asia/Tokyo")]
    [InlineData("America/Phoenix")]
    public void A_zone_without_summer_time_has_none(string zone) =>
        Assert.Empty(ProgramZone.Find(zone).Transitions(DateTimeOffset.Parse("2027-01-01T00:00:00Z"), DateTimeOffset.Parse("2028-01-01T00:00:00Z")));

    [Fact]
    public void A_year_in_California_has_two()
    {
        var changes = ProgramZone.Find("America/Los_Angeles").Transitions(DateTimeOffset.Parse("2027-01-01T00:00:00Z"), DateTimeOffset.Parse("2028-01-01T00:00:00Z"));
        Assert.Equal([DateTimeOffset.Parse("2027-03-14T10:00:00Z"), DateTimeOffset.Parse("2027-11-07T09:00:00Z")], changes.Select(c => c.At));
    }
}
