namespace Contingency.Tests.Rules;

using Contingency.Data.Calendar;

public sealed class BusinessDaysTests
{
    [Theory]
    // previous visit, holidays, why, 10th business day after it
    [InlineData("2027-03-05", "", "a Friday: two full weeks later", "2027-03-19")]
    [InlineData("2027-03-05", "2027-03-08", "a Friday with the next Monday a holiday", "2027-03-22")]
    [InlineData("2027-03-05", "2027-03-13", "a holiday on a Saturday changes nothing", "2027-03-19")]
    [InlineData("2027-03-06", "", "a Saturday: counting starts on Monday", "2027-03-19")]
    [InlineData("2027-03-01", "", "a Monday", "2027-03-15")]
    [InlineData("2027-03-24", "2027-03-31", "across a month end with a holiday on it", "2027-04-08")]
    public void Tenth_business_day_after(string visit, string holidays, string why, string expected)
    {
        var set = holidays.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(DateOnly.Parse).ToHashSet();
        Assert.True(DateOnly.Parse(expected) == BusinessDays.After(DateOnly.Parse(visit), 10, set), why);
    }

    [Theory]
    // due by, visit on, holidays, why, business days late
    [InlineData("2027-03-12", "2027-03-11", "", "before the due date", 0)]
    [InlineData("2027-03-12", "2027-03-12", "", "on the due date", 0)]
    [InlineData("2027-03-12", "2027-03-15", "", "the Monday after a Friday due date", 1)]
    [InlineData("2027-03-12", "2027-03-13", "", "the Saturday after: late, as the business day that follows", 1)]
    [InlineData("2027-03-12", "2027-03-14", "", "the Sunday after", 1)]
    [InlineData("2027-03-12", "2027-03-17", "", "the Wednesday after", 3)]
    [InlineData("2027-03-12", "2027-03-17", "2027-03-16", "a holiday in between does not count", 2)]
    [InlineData("2027-03-12", "2027-03-16", "2027-03-16", "on a holiday: late as the business day that follows", 2)]
    [InlineData("2027-03-31", "2027-04-02", "", "across a month end", 2)]
    [InlineData("2027-03-12", "2027-03-26", "", "two weeks late", 10)]
    public void Business_days_late(string dueBy, string visit, string holidays, string why, int expected)
    {
        var set = holidays.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(DateOnly.Parse).ToHashSet();
        Assert.True(expected == BusinessDays.Late(DateOnly.Parse(dueBy), DateOnly.Parse(visit), set), why);
    }
}
