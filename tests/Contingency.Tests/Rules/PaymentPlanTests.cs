namespace Contingency.Tests.Rules;

using Contingency.Data.Calendar;
using Contingency.Data.Entities;
using Contingency.Data.Payments;

public sealed class PaymentPlanTests
{
    private static readonly ProgramZone LosAngeles = ProgramZone.Find("America/Los_Angeles");
    private static readonly DateTimeOffset February = DateTimeOffset.Parse("2027-02-01T16:00:00Z");
    private static readonly DayOfWeek[] Weekdays = [DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday];
    private int sequence;

    private static CareProgram Program(string[]? holidays = null, DayOfWeek payday = DayOfWeek.Friday, int weeks = 8) =>
        new("program", "P", LosAngeles, new DateOnly(2027, 3, 1), weeks, 60, (holidays ?? []).Select(DateOnly.Parse),
            new Rates(150.00m, 50.00m, 1000.00m, "USD"), payday, new TimeOnly(17, 0), February);

    private static Commitment Commitment(CareProgram program, string startsOn, int weeks, DayOfWeek[]? days = null,
        int slotsPerDay = 6, string firstSlotAt = "09:00") =>
        new("commitment", program,
            new Provider("provider", "L", "1234567893", "LMFT", "L-1", "l@example.org", "Chico", ["video"], ["en"], February),
            slotsPerDay, WeekdaySet.Of(days ?? Weekdays), TimeOnly.Parse(firstSlotAt), DateOnly.Parse(startsOn), weeks, [], DateOnly.FromDateTime(February.UtcDateTime), February);

    private List<Payment> Plan(CareProgram program, Commitment commitment, IReadOnlyCollection<Payment>? existing = null, DateTimeOffset? now = null) =>
        PaymentPlan.Reconcile(commitment, program, program.Calendar(), existing ?? [], () => $"pay-{++sequence}", now ?? February);

    private static string Describe(Payment p) =>
        $"{p.Kind} {p.PeriodStart:yyyy-MM-dd} {p.Sessions} {p.Amount:0.00} {LosAngeles.ToLocal(p.DueAt):yyyy-MM-ddTHH:mmzzz}";

    public static TheoryData<string, int, string[], DayOfWeek, string, string[]> Schedules => new()
    {
        // startsOn, weeks, holidays, payday, why, the schedule (kind, week, sessions, amount, due)
        { "2027-03-03", 2, [], DayOfWeek.Friday, "starts on a Wednesday: the first and last weeks are partial", [
            "signing-bonus  0 1000.00 2027-02-26T17:00-08:00",
            "advance 2027-03-01 18 3600.00 2027-02-26T17:00-08:00",
            "advance 2027-03-08 30 6000.00 2027-03-05T17:00-08:00",
            "advance 2027-03-15 12 2400.00 2027-03-12T17:00-08:00"] },
        { "2027-03-01", 2, ["2027-03-10"], DayOfWeek.Friday, "a week holding a holiday pays for its 24 sessions", [
            "signing-bonus  0 1000.00 2027-02-26T17:00-08:00",
            "advance 2027-03-01 30 6000.00 2027-02-26T17:00-08:00",
            "advance 2027-03-08 24 4800.00 2027-03-05T17:00-08:00"] },
        { "2027-03-08", 3, [], DayOfWeek.Friday, "across the spring change: Friday 17:00 keeps its wall-clock time", [
            "signing-bonus  0 1000.00 2027-03-05T17:00-08:00",
            "advance 2027-03-08 30 6000.00 2027-03-05T17:00-08:00",
            "advance 2027-03-15 30 6000.00 2027-03-12T17:00-08:00",
            "advance 2027-03-22 30 6000.00 2027-03-19T17:00-07:00"] },
        { "2027-03-01", 1, [], DayOfWeek.Monday, "a Monday payday pays the week ahead on the Monday before", [
            "signing-bonus  0 1000.00 2027-02-22T17:00-08:00",
            "advance 2027-03-01 30 6000.00 2027-02-22T17:00-08:00"] },
        { "2027-03-01", 1, [], DayOfWeek.Sunday, "a Sunday payday pays on the eve of the week", [
            "signing-bonus  0 1000.00 2027-02-28T17:00-08:00",
            "advance 2027-03-01 30 6000.00 2027-02-28T17:00-08:00"] },
    };

    [Theory]
    [MemberData(nameof(Schedules))]
    public void Schedules_a_new_commitment(string startsOn, int weeks, string[] holidays, DayOfWeek payday, string why, string[] expected)
    {
        var program = Program(holidays, payday);
        var payments = Plan(program, Commitment(program, startsOn, weeks));
        Assert.True(expected.SequenceEqual(payments.Select(Describe)), $"{why}:\n{string.Join("\n", payments.Select(Describe))}");
        Assert.All(payments, p => Assert.Equal(Payment.Scheduled, p.Status));
        Assert.All(payments.Where(p => p.Kind == Payment.Advance), p => Assert.Equal(p.Sessions * 200.00m, p.Amount));
    }

    [Fact]
    public void A_dst_gap_inside_the_week_leaves_that_slot_unpaid()
    {
        var program = Program();
        // Sundays from 01:00, three slots: on 2027-03-14 the 02:00 slot does not exist.
        var payments = Plan(program, Commitment(program, "2027-03-08", 1, [DayOfWeek.Sunday], slotsPerDay: 3, firstSlotAt: "01:00"));
        Assert.Equal(2, payments.Single(p => p.Kind == Payment.Advance).Sessions);
    }

    [Fact]
    public void A_commitment_made_after_its_first_payment_moment_is_due_at_once()
    {
        var program = Program();
        var now = DateTimeOffset.Parse("2027-03-05T18:30:00.750-08:00"); // Friday, after 17:00
        var payments = Plan(program, Commitment(program, "2027-03-08", 2), now: now);

        var atOnce = now.ToWholeSecond();
        Assert.Equal(atOnce, payments.Single(p => p.Kind == Payment.SigningBonus).DueAt);
        Assert.Equal(atOnce, payments.Single(p => p.PeriodStart == new DateOnly(2027, 3, 8)).DueAt);
        Assert.Equal(DateTimeOffset.Parse("2027-03-12T17:00:00-08:00"), payments.Single(p => p.PeriodStart == new DateOnly(2027, 3, 15)).DueAt);
    }

    [Fact]
    public void An_extension_by_two_weeks_adds_two_advances_and_nothing_else()
    {
        var program = Program();
        var commitment = Commitment(program, "2027-03-01", 8);
        var first = Plan(program, commitment);
        first.Where(p => p.PeriodStart < new DateOnly(2027, 3, 15)).ToList().ForEach(p => p.Release("batch-1", February));

        program.Extend(2);
        commitment.Extend(2, program.Calendar());
        var added = Plan(program, commitment, first);

        Assert.Equal(["advance 2027-04-26 30 6000.00 2027-04-23T17:00-07:00", "advance 2027-05-03 30 6000.00 2027-04-30T17:00-07:00"],
            added.Select(Describe));
        Assert.All(first.Where(p => p.Kind == Payment.Advance), p => Assert.Equal(30, p.Sessions));
    }

    [Fact]
    public void A_withdrawal_that_removes_whole_weeks_cancels_their_advances()
    {
        var program = Program();
        var commitment = Commitment(program, "2027-03-01", 8);
        var payments = Plan(program, commitment);

        commitment.Withdraw(new DateOnly(2027, 3, 29), "leaving", program.Calendar(), new DateOnly(2027, 2, 1), February);
        var added = Plan(program, commitment, payments);

        Assert.Empty(added);
        var byWeek = payments.Where(p => p.Kind == Payment.Advance).ToDictionary(p => p.PeriodStart!.Value, p => p.Status);
        Assert.Equal(4, byWeek.Count(w => w.Value == Payment.Scheduled));
        Assert.All(byWeek.Where(w => w.Key >= new DateOnly(2027, 3, 29)), w => Assert.Equal(Payment.Cancelled, w.Value));
        Assert.Equal(Payment.Scheduled, payments.Single(p => p.Kind == Payment.SigningBonus).Status);
    }

    [Fact]
    public void A_withdrawal_inside_a_paid_week_takes_back_exactly_the_removed_slots()
    {
        var program = Program();
        var commitment = Commitment(program, "2027-03-01", 8);
        var payments = Plan(program, commitment);
        foreach (var p in payments.Where(p => p.DueAt <= DateTimeOffset.Parse("2027-03-05T17:00:00-08:00")))
            p.Release("batch-1", p.DueAt);

        // Effective Wednesday 2027-03-10: Monday and Tuesday stay, Wednesday to Friday (18 sessions) go.
        var now = DateTimeOffset.Parse("2027-03-08T10:00:00-08:00");
        commitment.Withdraw(new DateOnly(2027, 3, 10), "leaving", program.Calendar(), new DateOnly(2027, 3, 8), now);
        var added = Plan(program, commitment, payments, now);

        var adjustment = Assert.Single(added);
        Assert.Equal("adjustment 2027-03-08 -18 -3600.00 2027-03-12T17:00-08:00", Describe(adjustment));
        Assert.Equal(payments.Single(p => p.PeriodStart == new DateOnly(2027, 3, 8) && p.Kind == Payment.Advance).Id, adjustment.AdjustsPaymentId);
        Assert.All(payments.Where(p => p.Kind == Payment.Advance && p.PeriodStart > new DateOnly(2027, 3, 8)),
            p => Assert.Equal(Payment.Cancelled, p.Status));
        Assert.Equal(Payment.Released, payments.Single(p => p.Kind == Payment.SigningBonus).Status);

        // Reconciling again finds nothing more to do: the correction is not made twice.
        Assert.Empty(Plan(program, commitment, [.. payments, .. added], now));
    }

    [Fact]
    public void A_withdrawal_inside_a_scheduled_week_recomputes_it()
    {
        var program = Program();
        var commitment = Commitment(program, "2027-03-01", 8);
        var payments = Plan(program, commitment);

        commitment.Withdraw(new DateOnly(2027, 3, 11), "leaving", program.Calendar(), new DateOnly(2027, 2, 1), February);
        Assert.Empty(Plan(program, commitment, payments));

        var week = payments.Single(p => p.PeriodStart == new DateOnly(2027, 3, 8) && p.Kind == Payment.Advance);
        Assert.Equal((Payment.Scheduled, 18, 3600.00m), (week.Status, week.Sessions, week.Amount));
    }

    [Theory]
    [InlineData("2027-03-05T16:59:00-08:00", "2027-03-05T17:00:00-08:00")]
    [InlineData("2027-03-05T17:00:00-08:00", "2027-03-12T17:00:00-08:00")]
    [InlineData("2027-03-06T09:00:00-08:00", "2027-03-12T17:00:00-08:00")]
    [InlineData("2027-03-13T09:00:00-08:00", "2027-03-19T17:00:00-07:00")]
    public void The_next_payment_moment_is_strictly_after_now(string now, string expected) =>
        Assert.Equal(DateTimeOffset.Parse(expected),
            new PaymentMoments(LosAngeles, DayOfWeek.Friday, new TimeOnly(17, 0)).Next(DateTimeOffset.Parse(now)));
}
