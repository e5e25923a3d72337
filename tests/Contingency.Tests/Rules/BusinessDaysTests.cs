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
}
