namespace Contingency.Features.Operations;

using System.Globalization;
using Contingency.Data;
using Contingency.Data.Entities;
using Contingency.Features.Booking;
using Contingency.Features.Capacity;
using Contingency.Features.Commitments;
using Contingency.Features.Payments;
using Contingency.Features.Programs;
using Contingency.Features.Providers;
using Contingency.Features.Slots;
using Contingency.Infrastructure;
using Mediator;
using Microsoft.EntityFrameworkCore;

/// <summary>
/// <c>seed-demo</c>: fills an empty database with a program modelled on the 2022 Northern California
/// strike, through the same commands the API sends (validation, rules and audit apply), as the
/// system actor and on the service's clock. Deterministic for a given day: one fixed seed.
/// </summary>
public static class SeedDemo
{
    public const string Name = "seed-demo";

    public const string ProgramName = "Northern California mental health contingency";
    public const string TimeZone = "America/Los_Angeles";
    public const int Weeks = 8;

    /// <summary>Regions with their share of the roster and how far their weekly need runs past what is committed.</summary>
    private static readonly (string Region, int Providers, double NeedFactor)[] Regions =
    [
        ("Sacramento", 56, 1.35), ("Oakland", 52, 0.95), ("San Francisco", 50, 0.9), ("San Jose", 42, 1.1),
        ("Santa Rosa", 24, 1.5), ("Fresno", 34, 1.6), ("Stockton", 22, 1.4), ("Walnut Creek", 20, 0.85),
    ];

    private static readonly (string Type, int Weight)[] Licences =
        [("LMFT", 40), ("LCSW", 26), ("PsyD", 11), ("PhD", 10), ("LPCC", 10), ("PMHNP", 3)];

    private static readonly string[] FirstNames =
    [
        "Maria", "James", "Linh", "Jose", "Emily", "Wei", "Ana", "David", "Grace", "Miguel", "Sarah", "Tuan", "Jasmine",
        "Daniel", "Rosa", "Kevin", "Mei", "Carlos", "Rachel", "Hung", "Patricia", "Marco", "Aisha", "Jennifer", "Luis",
        "Priya", "Michael", "Camila", "Paolo", "Laura", "Jun", "Teresa", "Andre", "Nicole", "Gurpreet", "Elena", "Samuel",
    ];

    private static readonly string[] LastNames =
    [
        "Garcia", "Nguyen", "Chen", "Martinez", "Johnson", "Lopez", "Wong", "Reyes", "Smith", "Tran", "Hernandez", "Lee",
        "Santos", "Williams", "Kim", "Ramirez", "Patel", "Brown", "Cruz", "Le", "Davis", "Gonzalez", "Liu", "Singh",
        "Miller", "Flores", "Pham", "Torres", "Anderson", "Vang", "Rivera", "Huang", "Mendoza", "Thompson", "Bautista",
    ];

    /// <summary>Languages besides English, with a chance per region (a base chance, more where the community is larger).</summary>
    private static double LanguageChance(string language, string region) => (language, region) switch
    {
        ("es", "Fresno" or "Stockton") => 0.45,
        ("es", _) => 0.25,
        ("zh", "San Francisco" or "Oakland") => 0.18,
        ("zh", _) => 0.04,
        ("vi", "San Jose") => 0.2,
        ("vi", "Sacramento" or "Oakland") => 0.07,
        ("vi", _) => 0.02,
        ("tl", "San Francisco" or "Stockton" or "Oakland") => 0.08,
        ("tl", _) => 0.03,
        ("pa", "Fresno" or "Sacramento" or "Stockton") => 0.06,
        ("hmn", "Fresno" or "Sacramento") => 0.05,
        ("ru", "Sacramento") => 0.05,
        _ => 0,
    };

    private static readonly string[] OtherLanguages = ["es", "zh", "vi", "tl", "pa", "hmn", "ru"];

    private static readonly (DayOfWeek[] Days, int Weight)[] WeekPatterns =
    [
        ([DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday], 40),
        ([DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday], 20),
        ([DayOfWeek.Monday, DayOfWeek.Wednesday, DayOfWeek.Friday], 20),
        ([DayOfWeek.Tuesday, DayOfWeek.Thursday], 12),
        ([DayOfWeek.Tuesday, DayOfWeek.Thursday, DayOfWeek.Saturday], 8),
    ];

    /// <summary>Runs the command; answers the exit code.</summary>
    public static async Task<int> RunAsync(IServiceProvider services, IConfiguration config, TextWriter output, TextWriter error,
        CancellationToken ct = default)
    {
        // As start-up does: migrate when told to, otherwise refuse a database that lacks migrations.
        if (Database.MigrateOnStart(config))
            await services.MigrateDatabaseAsync(ct);
        else if (await services.PendingMigrationsProblem(ct) is { } pending)
        {
            error.WriteLine($"contingency: {pending}");
            return 2;
        }
        await Scheduling.PrepareLockRowsAsync(services, ct);

        await using (var scope = services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ContingencyDb>();
            if (await db.Programs.AsNoTracking().AnyAsync(ct))
            {
                error.WriteLine("contingency: the database already holds a program; seed-demo fills an empty database only " +
                    "(to seed again, start from a fresh database).");
                return 2;
            }
        }

        // Each step is one of the service's own commands, committed as it goes: a seed stopped part-way
        // leaves part of a demo, which the check above then refuses, so the way on is a fresh database.
        try
        {
            var summary = await new Seeder(services, services.GetRequiredService<TimeProvider>(), ct).RunAsync();
            output.WriteLine(summary);
            return 0;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            error.WriteLine($"contingency: seed-demo stopped part-way ({e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")}); " +
                "the database holds part of a demo, which a new run refuses: start again from a fresh database.");
            return 1;
        }
    }

    /// <summary>The demo program's payment moment: Fridays at 17:00, as in 2022.</summary>
    public static readonly TimeOnly PaymentTime = new(17, 0);

    /// <summary>
    /// When the demo program and its commitments start, for the program's local time now. From Friday 17:00
    /// to Sunday the program starts next Monday, whose first advances are then due already; Monday to Friday
    /// before 17:00 they would not be, so the program started this Monday, is already running (as a program
    /// may be) and its commitments start today: the advances of the week under way, due last Friday, are
    /// released by the seed's payment run either way.
    /// </summary>
    public static (DateOnly Program, DateOnly Commitments) StartDates(DateTime localNow)
    {
        var today = DateOnly.FromDateTime(localNow);
        var next = NextMonday(today);
        if (localNow >= next.AddDays(-3).ToDateTime(PaymentTime)) return (next, next);
        return (next.AddDays(-7), today);
    }

    /// <summary>
    /// The next Monday strictly after <paramref name="today"/>: a program created today starts then.
    /// </summary>
    public static DateOnly NextMonday(DateOnly today) => today.AddDays((int)DayOfWeek.Monday - (int)today.DayOfWeek is var d && d <= 0 ? d + 7 : d);

    /// <summary>The days the service does not schedule in [from, to]: US federal holidays and César Chávez Day, as observed.</summary>
    public static List<DateOnly> Holidays(DateOnly from, DateOnly to)
    {
        var days = new List<DateOnly>();
        for (var year = from.Year; year <= to.Year; year++)
        {
            days.AddRange(
            [
                Observed(new DateOnly(year, 1, 1)), Nth(year, 1, DayOfWeek.Monday, 3), Nth(year, 2, DayOfWeek.Monday, 3),
                Observed(new DateOnly(year, 3, 31)), Last(year, 5, DayOfWeek.Monday), Observed(new DateOnly(year, 6, 19)),
                Observed(new DateOnly(year, 7, 4)), Nth(year, 9, DayOfWeek.Monday, 1), Observed(new DateOnly(year, 11, 11)),
                Nth(year, 11, DayOfWeek.Thursday, 4), Nth(year, 11, DayOfWeek.Thursday, 4).AddDays(1), Observed(new DateOnly(year, 12, 25)),
            ]);
        }
        return days.Where(d => d >= from && d <= to).Distinct().Order().ToList();

        static DateOnly Observed(DateOnly d) => d.DayOfWeek switch
        {
            DayOfWeek.Saturday => d.AddDays(-1),
            DayOfWeek.Sunday => d.AddDays(1),
            _ => d,
        };

        static DateOnly Nth(int year, int month, DayOfWeek day, int n)
        {
            var first = new DateOnly(year, month, 1);
            return first.AddDays(((int)day - (int)first.DayOfWeek + 7) % 7 + 7 * (n - 1));
        }

        static DateOnly Last(int year, int month, DayOfWeek day)
        {
            var last = new DateOnly(year, month, 1).AddMonths(1).AddDays(-1);
            return last.AddDays(-(((int)last.DayOfWeek - (int)day + 7) % 7));
        }
    }

    private sealed class Seeder(IServiceProvider services, TimeProvider clock, CancellationToken ct)
    {
        private readonly Random random = new(2022);
        private readonly HashSet<string> npis = [];
        private int members;
        private int intakes, followUps, late;

        /// <summary>Each command in its own scope, as each request has its own: a fresh DbContext, the system actor.</summary>
        private async Task<T> Send<T>(ICommand<T> command)
        {
            await using var scope = services.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<ISender>().Send(command, ct);
        }

        private async Task<T> Ask<T>(IQuery<T> query)
        {
            await using var scope = services.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<ISender>().Send(query, ct);
        }

        public async Task<string> RunAsync()
        {
            var now = clock.GetUtcNow();
            var (startsOn, commitmentsStartOn) = StartDates(TimeZoneInfo.ConvertTime(now, TimeZoneInfo.FindSystemTimeZoneById(TimeZone)).DateTime);
            var endsOn = startsOn.AddDays(7 * Weeks - 1);
            var program = await Send(new CreateProgram(ProgramName, TimeZone, startsOn, Weeks, 60, Holidays(startsOn, endsOn),
                new RatesBody(150m, 40m, 1000m, "USD"), new PaymentMomentBody(DayOfWeek.Friday, PaymentTime)));

            // The roster, region by region.
            var roster = new List<(ProviderView Provider, CommitmentView Commitment)>();
            var committedPerWeek = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var (region, count, _) in Regions)
            {
                for (var i = 0; i < count; i++)
                {
                    var provider = await Send(NewProvider(region));
                    var commitment = await Send(NewCommitment(program, provider, commitmentsStartOn));
                    roster.Add((provider, commitment));
                    committedPerWeek[region] = committedPerWeek.GetValueOrDefault(region) + commitment.SlotsPerDay * commitment.Weekdays.Count;
                }
            }

            // One Oakland therapist withdraws from the second week on: book their weeks well first, so members are displaced.
            var leaving = roster.First(r => r.Provider.Region == "Oakland" && r.Commitment.Weekdays.Count >= 4 && r.Commitment.StartsOn == commitmentsStartOn);

            // Bookings over the first three weeks, from an hour on (the seed takes a minute or two): the first
            // week fuller than the ones after.
            var booked = 0;
            foreach (var (provider, commitment) in roster)
            {
                var slots = await Ask(new ProviderSlots(provider.Id, startsOn, startsOn.AddDays(20)));
                var earlier = new List<(string Member, DateOnly On)>();
                foreach (var slot in slots.Where(s => s.Status == SlotStatus.Free && s.Start > now.AddHours(1)))
                {
                    var date = DateOnly.FromDateTime(slot.Start.DateTime);
                    var week = (date.DayNumber - startsOn.DayNumber) / 7;
                    var chance = provider.Id == leaving.Provider.Id ? 0.6 : week switch { 0 => 0.22, 1 => 0.1, _ => 0.04 };
                    if (random.NextDouble() >= chance) continue;
                    var appointment = await Send(NewBooking(provider, slot.Start, date, earlier));
                    booked++;
                    if (appointment.Kind == Appointment.Intake) intakes++;
                    else if (appointment.TimelyAccessMet == false) late++;
                    followUps += appointment.Kind == Appointment.FollowUp ? 1 : 0;
                }
            }

            var withdrawnOn = startsOn.AddDays(7);
            var withdrawal = await Send(new Withdraw(leaving.Commitment.Id, withdrawnOn, "Returning to a full private caseload"));
            var displaced = withdrawal.DisplacedAppointments?.Count ?? 0;

            // Demand per region, in sessions a week: some regions have more need than the roster committed.
            var demand = Regions.ToDictionary(r => r.Region,
                r => (int?)(int)Math.Round(committedPerWeek[r.Region] * r.NeedFactor / 10) * 10, StringComparer.Ordinal);
            await Send(new SetDemand(program.Id, demand));
            var short_ = Regions.Count(r => demand[r.Region] > committedPerWeek[r.Region]);

            // Whatever is already due (the first week's advances once the Friday before it has passed) is released now.
            var run = await Send(new RunPayments(program.Id));

            var totalSlots = roster.Sum(r => r.Commitment.TotalSlots);
            var payments = run.Released > 0
                ? string.Create(CultureInfo.InvariantCulture, $"a payment run released {run.Released} payments ({run.Amount:0.00} USD) in batch {run.BatchId}")
                : "a payment run that found nothing due";
            return string.Create(CultureInfo.InvariantCulture,
                $"contingency: seeded '{program.Name}' (id {program.Id}, {program.StartsOn:yyyy-MM-dd} to {program.EndsOn:yyyy-MM-dd}, {program.TimeZone}): " +
                $"{roster.Count} providers in {Regions.Length} regions, {roster.Count} commitments ({totalSlots} slots), " +
                $"{booked} appointments ({intakes} intakes, {followUps} follow-ups of which {late} late), " +
                $"1 withdrawal from {withdrawnOn:yyyy-MM-dd} displacing {displaced} appointments, " +
                $"weekly demand in {demand.Count} regions ({short_} short of it), and {payments}.");
        }

        private Enroll NewProvider(string region)
        {
            var first = Pick(FirstNames);
            var last = Pick(LastNames);
            var licence = Weighted(Licences.Select(l => (l.Type, l.Weight)));
            var languages = new List<string> { "en" };
            languages.AddRange(OtherLanguages.Where(l => random.NextDouble() < LanguageChance(l, region)));
            var modalities = new List<string>();
            if (random.NextDouble() < 0.9) modalities.Add("video");
            if (random.NextDouble() < (region is "Fresno" or "Stockton" or "Santa Rosa" ? 0.6 : 0.45)) modalities.Add("in-person");
            if (random.NextDouble() < 0.35) modalities.Add("phone");
            if (modalities.Count == 0) modalities.Add("video");
            var n = npis.Count + 1;
            var licenceNumber = licence switch
            {
                "PsyD" or "PhD" => $"PSY {random.Next(10000, 35000)}",
                "PMHNP" => $"NP {random.Next(10000, 99999)}",
                _ => $"{licence} {random.Next(20000, 130000)}",
            };
            return new Enroll($"{first} {last}", NewNpi(), licence, licenceNumber,
                $"{first}.{last}.{n}@demo.example.org".ToLowerInvariant(), region, modalities, languages);
        }

        private string NewNpi()
        {
            while (true)
            {
                var firstNine = "1" + random.Next(0, 100_000_000).ToString("D8", CultureInfo.InvariantCulture);
                var npi = firstNine + Npi.CheckDigit(firstNine);
                if (npis.Add(npi)) return npi;
            }
        }

        private Commit NewCommitment(ProgramView program, ProviderView provider, DateOnly from)
        {
            var days = Weighted(WeekPatterns.Select(p => (p.Days, p.Weight)));
            var slotsPerDay = random.Next(4, 9);
            // Evening therapists see members after their own practice's day.
            var firstSlot = random.NextDouble() < 0.15 ? new TimeOnly(16, 0) : new TimeOnly(random.Next(8, 11), 0);
            if (firstSlot.Hour == 16) slotsPerDay = Math.Min(slotsPerDay, 5);
            // Most start with the program (or today, in a program already running: a week less, to end inside
            // it); some a week later, for the rest of it.
            var late = random.NextDouble() < 0.1;
            var startsOn = late ? program.StartsOn.AddDays(7) : from;
            var weeks = late || from != program.StartsOn ? Weeks - 1 : Weeks;
            // A few take a few days off in the middle.
            List<DateOnly>? excluded = random.NextDouble() < 0.08
                ? [.. Enumerable.Range(0, 5).Select(d => program.StartsOn.AddDays(28 + d))]
                : null;
            return new Commit(program.Id, provider.Id, slotsPerDay, [.. days], firstSlot, startsOn, weeks, excluded);
        }

        private Book NewBooking(ProviderView provider, DateTimeOffset start, DateOnly date, List<(string Member, DateOnly On)> earlier)
        {
            var modality = random.NextDouble() < 0.2 ? null : Pick(provider.Modalities);
            // A member this therapist saw earlier in the program comes back for a follow-up.
            var previous = earlier.FindIndex(e => e.On.DayNumber <= date.DayNumber - 5);
            if (previous >= 0 && random.NextDouble() < 0.6)
            {
                var (member, on) = earlier[previous];
                earlier.RemoveAt(previous);
                return new Book(provider.Id, start, member, Appointment.FollowUp, on, modality, null);
            }
            var memberRef = $"DEMO-{++members:D6}";
            if (random.NextDouble() < 0.45)
            {
                // A follow-up of a visit with the member's own clinician before the strike: most within
                // the 10-business-day standard, some already past it when the program could offer a slot.
                var lateOne = random.NextDouble() < 0.15;
                var previousVisit = SubtractBusinessDays(date, lateOne ? random.Next(12, 19) : random.Next(3, 10));
                return new Book(provider.Id, start, memberRef, Appointment.FollowUp, previousVisit, modality, null);
            }
            earlier.Add((memberRef, date));
            return new Book(provider.Id, start, memberRef, Appointment.Intake, null, modality, null);
        }

        private static DateOnly SubtractBusinessDays(DateOnly date, int days)
        {
            while (days > 0)
            {
                date = date.AddDays(-1);
                if (date.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday)) days--;
            }
            return date;
        }

        private T Pick<T>(IReadOnlyList<T> items) => items[random.Next(items.Count)];

        private T Weighted<T>(IEnumerable<(T Item, int Weight)> items)
        {
            var list = items.ToList();
            var roll = random.Next(list.Sum(i => i.Weight));
            foreach (var (item, weight) in list)
            {
                if (roll < weight) return item;
                roll -= weight;
            }
            return list[^1].Item;
        }
    }
}
