namespace Contingency.Tests.Rules;

using System.Collections.Concurrent;
using Contingency.Data;
using Contingency.Data.Calendar;
using Contingency.Data.Entities;
using Contingency.Data.Payments;
using CsCheck;

/// <summary>
/// The payment plan over random programs, commitments, withdrawals and extensions, in zones whose
/// clocks change (north and south, one at midnight) and one whose clocks never do. What a week
/// should pay and when is worked out here from the zone's own conversions, not from SlotCalendar
/// or ProgramZone, so a slip in either shows up as a difference.
/// </summary>
public sealed class PaymentPropertyTests
{
    private const int Iterations = 400;

    [Fact]
    public void A_new_commitment_is_paid_for_every_slot_once_at_the_payment_moments()
    {
        var tally = new Tally();
        Worlds(toProgramEnd: false).Sample(world =>
        {
            var built = world.Build();
            if (!tally.Count(built is not null)) return;
            var (program, commitment) = built!.Value;
            var payments = PaymentPlan.Reconcile(commitment, program, program.Calendar(), [], Ids(), world.MadeAt);

            Assert.All(payments, p => Assert.Equal(Payment.Scheduled, p.Status));
            Assert.DoesNotContain(payments, p => p.Kind == Payment.Adjustment);
            AssertSchedule(world, program, commitment, payments, commitment.PlannedEndsOn);
        }, iter: Iterations, print: w => w.ToString());
        tally.AssertMostlyValid();
    }

    [Fact]
    public void After_a_withdrawal_the_money_released_pays_exactly_the_slots_kept()
    {
        var tally = new Tally();
        Gen.Select(Worlds(toProgramEnd: false), Withdrawals).Sample((world, plan) =>
        {
            var built = world.Build();
            if (!tally.Count(built is not null)) return;
            var (program, commitment) = built!.Value;
            var zone = world.TimeZone;
            var ids = Ids();
            var ledger = new Ledger();
            ledger.Add(PaymentPlan.Reconcile(commitment, program, program.Calendar(), [], ids, world.MadeAt));

            var lastDayBegins = Reference.Reached(zone, commitment.EndsOn, TimeOnly.MinValue);
            var withdrawAt = Between(world.MadeAt, lastDayBegins, plan.WithdrawPermille);
            if (plan.AtDueMoment && ledger.NextDue(withdrawAt) is { } due && due <= lastDayBegins) withdrawAt = due;
            ledger.RunAt(plan.RunsBefore, world.MadeAt, withdrawAt);

            var today = Reference.LocalDate(zone, withdrawAt);
            var effectiveOn = today.AddDays((commitment.EndsOn.DayNumber - today.DayNumber) * plan.EffectivePermille / 1000);
            commitment.Withdraw(effectiveOn, "leaving", program.Calendar(), today, withdrawAt);
            ledger.Add(PaymentPlan.Reconcile(commitment, program, program.Calendar(), ledger.Payments, ids, withdrawAt));
            ledger.AssertReleasedUnchanged();
            Assert.Empty(PaymentPlan.Reconcile(commitment, program, program.Calendar(), ledger.Payments, ids, withdrawAt));

            var kept = effectiveOn.AddDays(-1);
            AssertSchedule(world, program, commitment, ledger.Payments, kept);

            var farFuture = Reference.Reached(zone, program.EndsOn.AddDays(30), new TimeOnly(12, 0));
            ledger.RunAt(plan.RunsAfter, withdrawAt, farFuture);
            ledger.Run(farFuture);

            ledger.AssertReleasedUnchanged();
            Assert.DoesNotContain(ledger.Payments, p => p.Status == Payment.Scheduled);
            var slotsKept = Reference.Slots(world, program, commitment.StartsOn, kept);
            Assert.Equal(slotsKept, commitment.TotalSlots);
            var released = ledger.Payments.Where(p => p.Status == Payment.Released && p.Kind != Payment.SigningBonus).ToList();
            Assert.Equal(slotsKept, released.Sum(p => p.Sessions));
            Assert.Equal(slotsKept * world.Unit, released.Sum(p => p.Amount));

            var bonus = Assert.Single(ledger.Payments, p => p.Kind == Payment.SigningBonus);
            Assert.Equal((Payment.Released, world.Bonus), (bonus.Status, bonus.Amount));
            Assert.DoesNotContain(ledger.Payments, p => p.AdjustsPaymentId == bonus.Id);
        }, iter: Iterations, print: c => $"{c.Item1}\n{c.Item2}");
        tally.AssertMostlyValid();
    }

    [Fact]
    public void After_an_extension_the_new_weeks_are_paid_like_the_first()
    {
        var tally = new Tally();
        Gen.Select(Worlds(toProgramEnd: true), Extensions).Sample((world, plan) =>
        {
            var built = world.Build();
            if (!tally.Count(built is not null && world.Program.Weeks + plan.Weeks <= Limits.MaxWeeks)) return;
            var (program, commitment) = built!.Value;
            var zone = world.TimeZone;
            var ids = Ids();
            var ledger = new Ledger();
            ledger.Add(PaymentPlan.Reconcile(commitment, program, program.Calendar(), [], ids, world.MadeAt));

            var latest = Reference.Reached(zone, program.EndsOn.AddDays(14), TimeOnly.MinValue);
            var extendAt = Between(world.MadeAt, latest, plan.AtPermille);
            ledger.RunAt(plan.RunsBefore, world.MadeAt, extendAt);

            program.Extend(plan.Weeks);
            commitment.Extend(plan.Weeks, program.Calendar());
            ledger.Add(PaymentPlan.Reconcile(commitment, program, program.Calendar(), ledger.Payments, ids, extendAt));
            ledger.AssertReleasedUnchanged();

            var lastDay = world.CommitmentStartsOn.AddDays(7 * (world.CommitmentWeeks + plan.Weeks) - 1);
            Assert.Equal(lastDay, program.EndsOn);
            AssertSchedule(world, program, commitment, ledger.Payments, lastDay);

            ledger.Run(Reference.Reached(zone, program.EndsOn.AddDays(30), new TimeOnly(12, 0)));
            ledger.AssertReleasedUnchanged();
            var released = ledger.Payments.Where(p => p.Status == Payment.Released && p.Kind != Payment.SigningBonus).ToList();
            Assert.Equal(commitment.TotalSlots * world.Unit, released.Sum(p => p.Amount));
        }, iter: Iterations, print: c => $"{c.Item1}\n{c.Item2}");
        tally.AssertMostlyValid();
    }

    /// <summary>
    /// What every commitment's schedule must look like, whatever happened to it: each week from its
    /// first day to <paramref name="lastDay"/> pays for exactly its slots (an advance, plus adjustments
    /// once the advance was released), weeks outside pay nothing, each advance is due at the last
    /// payment moment before its week or at once if that had passed when it was made, each adjustment
    /// at the next payment moment after it was made, and one signing bonus comes with the first advance.
    /// </summary>
    private static void AssertSchedule(World world, CareProgram program, Commitment commitment, IReadOnlyList<Payment> payments, DateOnly lastDay)
    {
        var moments = program.PaymentMoments;
        var live = payments.Where(p => p.Status != Payment.Cancelled && p.Kind != Payment.SigningBonus).ToList();
        var advances = live.Where(p => p.Kind == Payment.Advance).ToList();

        Assert.Equal(advances.Count, advances.Select(p => p.PeriodStart).Distinct().Count());
        foreach (var p in live)
        {
            var monday = p.PeriodStart!.Value;
            Assert.Equal((DayOfWeek.Monday, monday.AddDays(6)), (monday.DayOfWeek, p.PeriodEnd!.Value));
            Assert.Equal((world.Unit, p.Sessions * world.Unit), (p.UnitAmount, p.Amount));
            if (p.Kind == Payment.Advance)
            {
                Assert.True(p.Sessions > 0, $"advance for {monday:yyyy-MM-dd} pays {p.Sessions} sessions");
                var moment = Reference.PaydayBefore(world, monday);
                Assert.Equal(moment, moments.DueBeforeWeek(monday));
                Assert.Equal(moment < p.CreatedAt ? p.CreatedAt : moment, p.DueAt);
            }
            else
            {
                var adjusted = Assert.Single(payments, a => a.Id == p.AdjustsPaymentId);
                Assert.Equal((Payment.Advance, Payment.Released, monday), (adjusted.Kind, adjusted.Status, adjusted.PeriodStart!.Value));
                Assert.Equal(Reference.PaydayAfter(world, p.CreatedAt), p.DueAt);
            }
        }

        var expected = new Dictionary<DateOnly, int>();
        for (var day = commitment.StartsOn; day <= lastDay; day = day.AddDays(7 - ((int)day.DayOfWeek + 6) % 7))
        {
            var monday = SlotCalendar.WeekOf(day);
            var weekSlots = Reference.Slots(world, program, day, SlotCalendar.Min(monday.AddDays(6), lastDay));
            if (weekSlots > 0) expected[monday] = weekSlots;
        }
        var paid = live.GroupBy(p => p.PeriodStart!.Value).ToDictionary(g => g.Key, g => g.Sum(p => p.Sessions))
            .Where(w => w.Value != 0).ToDictionary();
        Assert.Equal(expected.OrderBy(w => w.Key), paid.OrderBy(w => w.Key));
        Assert.Equal(expected.Values.Sum(), commitment.TotalSlots);
        Assert.Equal(commitment.TotalSlots, live.Sum(p => p.Sessions));

        var bonus = Assert.Single(payments, p => p.Kind == Payment.SigningBonus);
        Assert.NotEqual(Payment.Cancelled, bonus.Status);
        Assert.Equal((0, world.Bonus), (bonus.Sessions, bonus.Amount));
        Assert.Equal(payments.Where(p => p.Kind == Payment.Advance && p.CreatedAt == bonus.CreatedAt).Min(p => p.DueAt), bonus.DueAt);
    }

    private static Func<string> Ids()
    {
        var n = 0;
        return () => $"pay-{++n}";
    }

    private static DateTimeOffset Between(DateTimeOffset from, DateTimeOffset to, int permille) =>
        from + (to - from) * permille / 1000;

    // Generators. Dates cluster around the zones' clock changes, paydays on the weekends when they
    // happen, and clock times inside their gaps and overlaps, so that those come up often.

    private static readonly string[] ZoneIds = ["America/Los_Angeles", "Europe/London", "Australia/Sydney", "America/Santiago", "Asia/Tokyo"];
    /// <summary>Minutes after midnight inside each zone's spring gap and autumn overlap (Santiago changes at midnight, Tokyo never).</summary>
    private static readonly Dictionary<string, int[]> ClockEdges = new()
    {
        ["America/Los_Angeles"] = [120, 150, 60, 90],
        ["Europe/London"] = [60, 90],
        ["Australia/Sydney"] = [120, 150],
        ["America/Santiago"] = [0, 30, 23 * 60, 23 * 60 + 30],
        ["Asia/Tokyo"] = [0, 120],
    };
    private static readonly DateOnly LatestProgramStart = new(2097, 12, 31);

    private static readonly Gen<decimal> Money = Gen.Frequency(
            (5, Gen.Long[0, 100_000_000]),
            (1, Gen.OneOf(0L, 1L, 99_999_999L, 100_000_000L)))
        .Select(cents => cents / 100m);

    private static Gen<TimeOnly> ClockTime(string zoneId, int latestMinute) => Gen.Frequency(
            (1, Gen.Int[0, latestMinute]),
            (1, Gen.OneOf(ClockEdges[zoneId]).Select(m => Math.Min(m, latestMinute))))
        .Select(m => new TimeOnly(m / 60, m % 60));

    private static Gen<DateOnly> ProgramStarts(string zoneId) => Gen.Frequency(
        (1, Gen.DateOnly[Limits.FirstDate, LatestProgramStart]),
        (3, from year in Gen.Int[2000, 2097]
            from which in Gen.Int[0, 1]
            from daysBefore in Gen.Int[0, 20]
            select Reference.ClockChange(zoneId, year, which).AddDays(-daysBefore)));

    private static readonly Gen<ProgramTerms> Programs =
        from zone in Gen.OneOf(ZoneIds)
        from startsOn in ProgramStarts(zone)
        from weeks in Gen.Frequency((4, Gen.Int[1, 12]), (1, Gen.Int[13, Limits.MaxWeeks]))
        from sessionMinutes in Gen.Frequency((3, Gen.OneOf(30, 45, 50, 60, 90)), (1, Gen.Int[CareProgram.MinSessionMinutes, CareProgram.MaxSessionMinutes]))
        from holidays in Gen.Int[0, 7 * weeks - 1].Array[0, 6]
        from session in Money
        from premium in Money
        from bonus in Money
        from payday in Gen.Frequency((3, Gen.Enum<DayOfWeek>()), (2, Gen.OneOf(DayOfWeek.Sunday, DayOfWeek.Saturday)))
        from payTime in ClockTime(zone, 24 * 60 - 1)
        select new ProgramTerms(zone, startsOn, weeks, sessionMinutes, holidays, session, premium, bonus, payday, payTime);

    /// <summary>With <paramref name="toProgramEnd"/>, commitments run to the program's last day, the ones an extension extends.</summary>
    private static Gen<World> Worlds(bool toProgramEnd) =>
        from program in Programs
        from rawOffset in Gen.Frequency((3, Gen.Int[0, 6]), (1, Gen.Int[0, 7 * program.Weeks - 7]))
        let offset = toProgramEnd ? 7 * Math.Min(rawOffset / 7, program.Weeks - 1) : Math.Min(rawOffset, 7 * program.Weeks - 7)
        let maxWeeks = (7 * program.Weeks - offset) / 7
        from weeks in toProgramEnd ? Gen.Const(maxWeeks) : Gen.Int[1, maxWeeks]
        from slotsPerDay in Gen.Int[1, Math.Min(Commitment.MaxSlotsPerDay, 24 * 60 / program.SessionMinutes)]
        from firstSlotAt in ClockTime(program.Zone, 24 * 60 - slotsPerDay * program.SessionMinutes)
        from weekdayMask in Gen.Int[1, 127]
        from excluded in Gen.Int[0, 7 * weeks - 1].Array[0, 4]
        from daysAhead in Gen.Frequency((3, Gen.Int[0, 8]), (1, Gen.Int[0, 60]))
        from madeAtMillisecond in Gen.Int[0, 24 * 60 * 60 * 1000 - 1]
        select new World(program, offset, weeks, slotsPerDay, weekdayMask, firstSlotAt, excluded, daysAhead,
            TimeOnly.FromTimeSpan(TimeSpan.FromMilliseconds(madeAtMillisecond)));

    private static readonly Gen<Run[]> Runs =
        Gen.Select(Gen.Int[0, 1000], Gen.Bool, (permille, atDueMoment) => new Run(permille, atDueMoment)).Array[0, 6];

    private static readonly Gen<Withdrawal> Withdrawals =
        Gen.Select(Runs, Gen.Int[0, 1000], Gen.Bool, Gen.Int[0, 1000], Runs,
            (before, at, atDueMoment, effective, after) => new Withdrawal(before, at, atDueMoment, effective, after));

    private static readonly Gen<Extension> Extensions =
        Gen.Select(Runs, Gen.Int[0, 1000], Gen.Frequency((3, Gen.Int[1, 8]), (1, Gen.Int[1, Limits.MaxWeeks])),
            (before, at, weeks) => new Extension(before, at, weeks));

    public sealed record ProgramTerms(string Zone, DateOnly StartsOn, int Weeks, int SessionMinutes, int[] HolidayOffsets,
        decimal Session, decimal Premium, decimal Bonus, DayOfWeek Payday, TimeOnly PayTime)
    {
        public IEnumerable<DateOnly> Holidays => HolidayOffsets.Select(StartsOn.AddDays);

        public override string ToString() =>
            $"{Zone} program {StartsOn:yyyy-MM-dd} for {Weeks} weeks, {SessionMinutes}-minute sessions, holidays [{Dates(Holidays)}], " +
            $"session {Session:0.00} + premium {Premium:0.00}, bonus {Bonus:0.00}, pays {Payday} {PayTime:HH:mm}";
    }

    public sealed record World(ProgramTerms Program, int CommitmentOffset, int CommitmentWeeks, int SlotsPerDay, int WeekdayMask,
        TimeOnly FirstSlotAt, int[] ExcludedOffsets, int DaysAhead, TimeOnly MadeAtClock)
    {
        public TimeZoneInfo TimeZone => TimeZoneInfo.FindSystemTimeZoneById(Program.Zone);
        public DateOnly CommitmentStartsOn => Program.StartsOn.AddDays(CommitmentOffset);
        public IEnumerable<DateOnly> ExcludedDates => ExcludedOffsets.Select(CommitmentStartsOn.AddDays);
        public decimal Unit => Program.Session + Program.Premium;
        public decimal Bonus => Program.Bonus;

        /// <summary>The commitment is made DaysAhead days before it starts, at MadeAtClock there (or just after, in a gap).</summary>
        public DateTimeOffset MadeAt => Reference.Reached(TimeZone, CommitmentStartsOn.AddDays(-DaysAhead), MadeAtClock);

        public (CareProgram, Commitment)? Build()
        {
            try
            {
                var made = MadeAt;
                var program = new CareProgram("program", "Property", ProgramZone.Find(Program.Zone), Program.StartsOn, Program.Weeks,
                    Program.SessionMinutes, Program.Holidays, new Rates(Program.Session, Program.Premium, Program.Bonus, "USD"),
                    Program.Payday, Program.PayTime, made);
                var provider = new Provider("provider", "L", "1234567893", "LMFT", "L-1", "l@example.org", "Chico", ["video"], ["en"], made);
                var commitment = new Commitment("commitment", program, provider, SlotsPerDay, new WeekdaySet(WeekdayMask), FirstSlotAt,
                    CommitmentStartsOn, CommitmentWeeks, ExcludedDates, Reference.LocalDate(TimeZone, made), made);
                return (program, commitment);
            }
            catch (DomainException)
            {
                return null;
            }
        }

        public override string ToString() =>
            $"{Program}; commitment {CommitmentStartsOn:yyyy-MM-dd} for {CommitmentWeeks} weeks, {SlotsPerDay} a day from {FirstSlotAt:HH:mm} " +
            $"on {string.Join(",", new WeekdaySet(WeekdayMask).Days.Select(d => d.ToString()[..3]))}, excluded [{Dates(ExcludedDates)}], " +
            $"made {MadeAt:yyyy-MM-ddTHH:mm:ss.fffzzz}";
    }

    /// <summary>A payment run at a point between two instants, or at the first payment due from there.</summary>
    public sealed record Run(int Permille, bool AtDueMoment)
    {
        public override string ToString() => $"{Permille}‰{(AtDueMoment ? "→due" : "")}";
    }

    public sealed record Withdrawal(Run[] RunsBefore, int WithdrawPermille, bool AtDueMoment, int EffectivePermille, Run[] RunsAfter)
    {
        public override string ToString() =>
            $"runs [{string.Join(" ", RunsBefore.Select(r => r.ToString()))}], withdrawn at {WithdrawPermille}‰{(AtDueMoment ? "→due" : "")} of the way to its last day, " +
            $"effective {EffectivePermille}‰ of the way from then to its end, runs [{string.Join(" ", RunsAfter.Select(r => r.ToString()))}]";
    }

    public sealed record Extension(Run[] RunsBefore, int AtPermille, int Weeks)
    {
        public override string ToString() =>
            $"runs [{string.Join(" ", RunsBefore.Select(r => r.ToString()))}], extended by {Weeks} weeks at {AtPermille}‰ of the way to two weeks after its end";
    }

    private static string Dates(IEnumerable<DateOnly> dates) => string.Join(" ", dates.Distinct().Order().Select(d => d.ToString("yyyy-MM-dd")));

    /// <summary>
    /// Payments of one commitment and the runs that release them, keeping what each looked like
    /// when released so that a later change to it is caught.
    /// </summary>
    private sealed class Ledger
    {
        private readonly Dictionary<string, string> released = [];
        private int batches;

        public List<Payment> Payments { get; } = [];

        public void Add(IEnumerable<Payment> added) => Payments.AddRange(added);

        public void Run(DateTimeOffset at)
        {
            var now = at.ToWholeSecond();
            var batchId = $"batch-{++batches}";
            foreach (var payment in Payments.Where(p => p.Status == Payment.Scheduled && p.DueAt <= now).ToList())
            {
                Assert.False(released.ContainsKey(payment.Id), $"{payment.Id} was released before: {released.GetValueOrDefault(payment.Id)}");
                payment.Release(batchId, now);
                released[payment.Id] = Describe(payment);
            }
        }

        public void RunAt(IEnumerable<Run> runs, DateTimeOffset from, DateTimeOffset to)
        {
            var last = from;
            foreach (var run in runs.OrderBy(r => r.Permille))
            {
                var at = Between(from, to, run.Permille);
                if (run.AtDueMoment && NextDue(at) is { } due && due <= to) at = due;
                last = at > last ? at : last;
                Run(last);
            }
        }

        public DateTimeOffset? NextDue(DateTimeOffset from) =>
            Payments.Where(p => p.Status == Payment.Scheduled && p.DueAt >= from).Select(p => (DateTimeOffset?)p.DueAt).Min();

        public void AssertReleasedUnchanged()
        {
            foreach (var payment in Payments.Where(p => released.ContainsKey(p.Id)))
                Assert.Equal(released[payment.Id], Describe(payment));
            Assert.Equal(released.Count, Payments.Count(p => p.Status == Payment.Released));
        }

        private static string Describe(Payment p) =>
            $"{p.Id} {p.Kind} {p.PeriodStart:yyyy-MM-dd} {p.Sessions} x {p.UnitAmount} = {p.Amount} due {p.DueAt:O} " +
            $"{p.Status} {p.BatchId} {p.ReleasedAt:O} {p.UpdatedAt:O}";
    }

    /// <summary>
    /// The zone's clock read straight from TimeZoneInfo: which wall-clock times exist, when a payment
    /// time is reached, how many slots a pattern offers.
    /// </summary>
    private static class Reference
    {
        private static readonly ConcurrentDictionary<(string, int), DateOnly[]> ClockChanges = new();

        public static DateOnly LocalDate(TimeZoneInfo zone, DateTimeOffset instant) =>
            DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, zone).DateTime);

        /// <summary>The days of a year on which the zone's offset changes; for a zone without changes, a day in June.</summary>
        public static DateOnly ClockChange(string zoneId, int year, int which)
        {
            var days = ClockChanges.GetOrAdd((zoneId, year), key =>
            {
                var zone = TimeZoneInfo.FindSystemTimeZoneById(key.Item1);
                var changes = new List<DateOnly>();
                var noon = new DateTimeOffset(key.Item2, 1, 1, 12, 0, 0, TimeSpan.Zero);
                for (var instant = noon; instant.Year == key.Item2; instant = instant.AddDays(1))
                    if (zone.GetUtcOffset(instant) != zone.GetUtcOffset(instant.AddDays(-1)))
                        changes.Add(LocalDate(zone, instant));
                return [.. changes];
            });
            return days.Length == 0 ? new DateOnly(year, 6, 1 + which) : days[which % days.Length];
        }

        /// <summary>The offsets in force a day either side: a day has at most one change in these zones.</summary>
        private static TimeSpan[] OffsetsAround(TimeZoneInfo zone, DateTime wall) =>
            [.. new[] { zone.GetUtcOffset(wall.AddDays(-1)), zone.GetUtcOffset(wall.AddDays(1)) }.Distinct()];

        /// <summary>The instants at which the zone's clock shows this wall-clock time: none in a gap, two in an overlap.</summary>
        private static List<DateTimeOffset> Showing(TimeZoneInfo zone, DateTime wall) =>
            OffsetsAround(zone, wall).Select(o => new DateTimeOffset(wall, o))
                .Where(i => TimeZoneInfo.ConvertTime(i, zone).DateTime == wall).Order().ToList();

        /// <summary>The first instant at which the clock shows this time of that day, or a later one.</summary>
        public static DateTimeOffset Reached(TimeZoneInfo zone, DateOnly date, TimeOnly time)
        {
            var wall = date.ToDateTime(time);
            if (Showing(zone, wall) is [var first, ..]) return first;
            var instant = OffsetsAround(zone, wall).Select(o => new DateTimeOffset(wall, o)).Min();
            while (TimeZoneInfo.ConvertTime(instant, zone).DateTime < wall) instant = instant.AddMinutes(1);
            return instant;
        }

        public static DateTimeOffset PaydayBefore(World world, DateOnly monday)
        {
            var day = monday.AddDays(-1);
            while (day.DayOfWeek != world.Program.Payday) day = day.AddDays(-1);
            return Reached(world.TimeZone, day, world.Program.PayTime);
        }

        public static DateTimeOffset PaydayAfter(World world, DateTimeOffset instant)
        {
            for (var day = LocalDate(world.TimeZone, instant); ; day = day.AddDays(1))
                if (day.DayOfWeek == world.Program.Payday && Reached(world.TimeZone, day, world.Program.PayTime) is var moment && moment > instant)
                    return moment;
        }

        /// <summary>The commitment's slots from <paramref name="from"/> to <paramref name="to"/>: a slot whose start the clock skips is not there.</summary>
        public static int Slots(World world, CareProgram program, DateOnly from, DateOnly to)
        {
            var zone = world.TimeZone;
            var closed = world.Program.Holidays.Concat(world.ExcludedDates).ToHashSet();
            var days = new WeekdaySet(world.WeekdayMask);
            var slots = 0;
            for (var date = SlotCalendar.Max(from, world.CommitmentStartsOn); date <= to; date = date.AddDays(1))
            {
                if (!days.Contains(date.DayOfWeek) || closed.Contains(date)) continue;
                var midnight = date.ToDateTime(TimeOnly.MinValue);
                var changes = OffsetsAround(zone, midnight.AddHours(12)).Length > 1;
                for (var k = 0; k < world.SlotsPerDay; k++)
                {
                    var wall = date.ToDateTime(world.FirstSlotAt).AddMinutes(k * program.SessionMinutes);
                    if (!changes || Showing(zone, wall).Count > 0) slots++;
                }
            }
            return slots;
        }
    }

    private sealed class Tally
    {
        private int valid, total;

        public bool Count(bool isValid)
        {
            Interlocked.Increment(ref total);
            if (isValid) Interlocked.Increment(ref valid);
            return isValid;
        }

        public void AssertMostlyValid() =>
            Assert.True(valid * 4 >= total * 3, $"only {valid} of {total} samples were valid inputs");
    }
}
