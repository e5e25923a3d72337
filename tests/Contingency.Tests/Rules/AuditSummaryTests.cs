namespace Contingency.Tests.Rules;

using System.Globalization;
using Contingency.Data;
using Contingency.Data.Calendar;
using Contingency.Data.Entities;
using Contingency.Data.Payments;
using Contingency.Infrastructure.Audit;
using Microsoft.EntityFrameworkCore;

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

    [Fact]
    public void A_set_based_release_is_summarized_as_the_interceptor_summarizes_a_tracked_one()
    {
        // The payment run releases in one UPDATE and writes its entries itself (SetAudit); each must read
        // as the entry of the same release made through the entity and the change tracker.
        var options = new DbContextOptionsBuilder<ContingencyDb>();
        Infrastructure.Database.Providers.First().Configure(options, "Data Source=:memory:");
        using var db = new ContingencyDb(options.Options);
        var now = DateTimeOffset.Parse("2027-02-26T17:00:00-08:00", CultureInfo.InvariantCulture);
        var program = new CareProgram("program", "P", ProgramZone.Find("America/Los_Angeles"), new DateOnly(2027, 3, 1), 8, 60, [],
            new Rates(150.00m, 50.00m, 1000.00m, "USD"), DayOfWeek.Friday, new TimeOnly(17, 0), now.AddDays(-30));
        var commitment = new Commitment("commitment", program,
            new Provider("provider", "L", "1234567893", "LMFT", "L-1", "l@example.org", "Chico", ["video"], ["en"], now.AddDays(-30)),
            6, WeekdaySet.Of([DayOfWeek.Monday, DayOfWeek.Tuesday]), new TimeOnly(9, 0), new DateOnly(2027, 3, 1), 8, [],
            new DateOnly(2027, 1, 27), now.AddDays(-30));
        var payment = PaymentPlan.Reconcile(commitment, program, program.Calendar(), [], () => "pay-1", now.AddDays(-30)).First();
        db.Attach(payment);

        payment.Release("batch-1", now);
        var entry = db.Entry(payment);
        var audited = AuditedType.Of(entry.Metadata)!;
        Assert.Equal(audited.Summarize(entry), audited.SummarizeUpdate(new Dictionary<string, (object?, object?)>
        {
            [nameof(Payment.Status)] = (Payment.Scheduled, Payment.Released),
            [nameof(Payment.ReleasedAt)] = (null, now),
            [nameof(Payment.BatchId)] = (null, "batch-1"),
        }));
        Assert.Equal("status: scheduled → released; releasedAt: null → 2027-02-27T01:00:00Z; batchId: null → batch-1", audited.Summarize(entry));
    }

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
