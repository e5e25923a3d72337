namespace Contingency.Tests.Rules;

using System.Globalization;
using Contingency.Data.Entities;
using Contingency.Infrastructure.Audit;

/// <summary>How audit entries write values, name actions and keep to their length.</summary>
public sealed class AuditSummaryTests
{
    public static TheoryData<object?, string> Values => new()
    {
        { null, "null" },
        { "Santa Rosa", "Santa Rosa" },
        { new DateOnly(2027, 3, 1), "2027-03-01" },
        { new TimeOnly(17, 0), "17:00" },
        { DateTimeOffset.Parse("2027-03-15T09:00:00-07:00", CultureInfo.InvariantCulture), "2027-03-15T16:00:00Z" },
        { DateTimeOffset.Parse("2027-03-15T09:00:00.25-07:00", CultureInfo.InvariantCulture), "2027-03-15T16:00:00.25Z" },
        { 150m, "150.00" },
        { 4800.5m, "4800.50" },
        { -3600.00m, "-3600.00" },
        { 8, "8" },
        { true, "true" },
        { DayOfWeek.Friday, "Friday" },
        { new List<DateOnly> { new(2027, 3, 5), new(2027, 3, 10) }, "[2027-03-05, 2027-03-10]" },
        { new List<string> { "video", "in-person" }, "[video, in-person]" },
        { new List<string>(), "[]" },
    };

    [Theory]
    [MemberData(nameof(Values))]
    public void Values_are_written_the_contract_s_way(object? value, string expected) =>
        Assert.Equal(expected, AuditedType.Format(value));

    [Theory]
    [InlineData("Book", "book")]
    [InlineData("RunPayments", "run-payments")]
    [InlineData("ExtendProgram", "extend-program")]
    [InlineData("NoShow", "no-show")]
    [InlineData("PaymentBatch", "payment-batch")]
    [InlineData("ImportCSVRoster", "import-csv-roster")]
    public void Actions_are_message_names_in_kebab_case(string name, string action) =>
        Assert.Equal(action, AuditNames.Kebab(name));

    [Theory]
    [InlineData(10, 10, "0123456789")]
    [InlineData(11, 10, "012345678…")]
    public void A_summary_too_long_is_cut_with_an_ellipsis(int length, int max, string expected) =>
        Assert.Equal(expected, AuditEntry.Fit(string.Concat(Enumerable.Range(0, length).Select(i => (char)('0' + i % 10))), max));

    [Fact]
    public void A_cut_never_splits_a_surrogate_pair()
    {
        var text = "abcdefgh" + "\U0001F600" + "xyz"; // the emoji is chars 8 and 9
        var cut = AuditEntry.Fit(text, 10);
        Assert.Equal("abcdefgh…", cut);
        Assert.Equal("abcdefgh\U0001F600…", AuditEntry.Fit(text, 11));
    }

    [Fact]
    public void An_entry_is_refused_what_the_service_should_never_give_it()
    {
        var at = DateTimeOffset.UnixEpoch;
        Assert.Throws<ArgumentException>(() => new AuditEntry(at, new string('a', 201), "book", "appointment", "x", "s"));
        Assert.Throws<ArgumentException>(() => new AuditEntry(at, "", "book", "appointment", "x", "s"));
        Assert.Throws<ArgumentException>(() => new AuditEntry(at, "a", "book", "appointment", new string('x', 41), "s"));
        Assert.Equal(AuditEntry.MaxSummaryLength, new AuditEntry(at, "a", "book", "appointment", "x", new string('s', 900)).Summary.Length);
    }
}
