namespace Contingency.Tests.Http;

using System.Net;
using System.Text.Json;
using Contingency.Data;
using Contingency.Data.Entities;
using Contingency.Features.Operations;
using Contingency.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

/// <summary>
/// The demo data as a newcomer gets it: <c>seed-demo</c> run as the executable over a fresh database,
/// then read back through the service's own API; a second run refuses the database it filled.
/// </summary>
public sealed class SeedDemoTests
{
    private static Task<(int Exit, string Out, string Error)> Seed(string database) =>
        ServiceProcess.RunAsync(Path.GetDirectoryName(database)!, new Dictionary<string, string>
        {
            ["ConnectionStrings__Contingency"] = TestDatabase.ConnectionString(database),
            ["Database__Provider"] = TestDatabase.Provider,
            ["Database__MigrateOnStart"] = "true",
            ["Auth__SigningKey"] = "seed-demo-tests-signing-key-0123456789",
        }, SeedDemo.Name);

    private static string NewDatabase()
    {
        var dir = Path.Combine(Path.GetTempPath(), "contingency-tests", "seed-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return Path.Combine(dir, "contingency.db");
    }

    private static long Count(string database, string table)
    {
        using var connection = TestDatabase.Open(database);
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT COUNT(*) FROM \"{table}\"";
        return Convert.ToInt64(command.ExecuteScalar());
    }

    private static readonly string[] Tables = ["Programs", "Providers", "Commitments", "Appointments", "Payments", "PaymentBatches", "RegionDemands", "AuditEntries"];

    [Fact]
    public async Task Seed_demo_fills_a_fresh_database_that_the_api_answers_from_and_a_second_run_refuses_it_and_changes_nothing()
    {
        var database = NewDatabase();
        try
        {
            var before = DateTimeOffset.UtcNow;
            var (exit, output, error) = await Seed(database);
            var after = DateTimeOffset.UtcNow;
            Assert.True(exit == 0, error);
            Assert.Contains("300 providers", output);
            Assert.Equal("", error);

            // The service, started over the same database on the real date, answers a newcomer's questions.
            await using (var app = ContingencyApp.Over(database, new FakeTimeProvider(after)))
            {
                app.SchedulerRuns = false;
                var api = app.Api();
                var program = Assert.Single((await api.Get("/api/programs")).Expect(HttpStatusCode.OK).EnumerateArray());
                var id = program.Id();
                Assert.Equal(("Northern California mental health contingency", "America/Los_Angeles", 8),
                    (program.Str("name"), program.Str("timeZone"), program.Int("weeks")));
                // The start follows the seed's clock: a boundary passed while it ran allows either answer.
                var zone = TimeZoneInfo.FindSystemTimeZoneById("America/Los_Angeles");
                var starts = new[] { before, after }.Select(t => SeedDemo.StartDates(TimeZoneInfo.ConvertTime(t, zone).DateTime).Program).ToList();
                Assert.Contains(program.Str("startsOn"), starts.Select(d => d.ToString("yyyy-MM-dd")));
                Assert.Equal(DayOfWeek.Monday, DateOnly.Parse(program.Str("startsOn")!).DayOfWeek);

                Assert.Equal(300, (await api.Get("/api/providers?pageSize=1")).Expect(HttpStatusCode.OK).Int("total"));
                Assert.True((await api.Get("/api/providers?language=es&pageSize=1")).Expect(HttpStatusCode.OK).Int("total") > 30);
                Assert.True((await api.Get("/api/providers?licenseType=LCSW&pageSize=1")).Expect(HttpStatusCode.OK).Int("total") > 30);
                Assert.Equal(300, (await api.Get($"/api/programs/{id}/commitments?pageSize=1")).Expect(HttpStatusCode.OK).Int("total"));
                Assert.Equal(1, (await api.Get($"/api/programs/{id}/commitments?status=withdrawn&pageSize=1")).Expect(HttpStatusCode.OK).Int("total"));

                Assert.True((await api.Get($"/api/appointments?programId={id}&status=booked&pageSize=1")).Expect(HttpStatusCode.OK).Int("total") > 1000);
                Assert.NotEmpty((await api.Get($"/api/programs/{id}/displaced")).Expect(HttpStatusCode.OK).EnumerateArray());
                var compliance = (await api.Get($"/api/programs/{id}/compliance")).Expect(HttpStatusCode.OK);
                Assert.NotEmpty(compliance.GetProperty("late").EnumerateArray());
                Assert.True(compliance.GetProperty("rate").GetDouble() is > 0.5 and < 1);

                var capacity = (await api.Get($"/api/programs/{id}/capacity?by=week")).Expect(HttpStatusCode.OK);
                Assert.True(capacity.GetProperty("totals").Int("demand") > 0);
                Assert.True(capacity.GetProperty("totals").Int("gap") > 0);
                var regions = capacity.GetProperty("rows").EnumerateArray().Select(r => r.Str("region")).ToHashSet();
                Assert.Superset(new HashSet<string> { "Sacramento", "Santa Rosa", "Oakland", "San Francisco", "Fresno" }, regions);

                // Some payments already released, on whichever day the seed ran: one batch, its payments released.
                var batch = Assert.Single((await api.Get($"/api/programs/{id}/payment-batches")).Expect(HttpStatusCode.OK).GetProperty("items").EnumerateArray());
                Assert.True(batch.Int("released") > 100, batch.ToString());
                Assert.Equal(batch.Int("released"),
                    (await api.Get($"/api/programs/{id}/payments?status=released&pageSize=1")).Expect(HttpStatusCode.OK).Int("total"));
                Assert.True((await api.Get($"/api/programs/{id}/payments?status=scheduled&pageSize=1")).Expect(HttpStatusCode.OK).Int("total") > 1000);
            }

            var counts = Tables.Select(t => Count(database, t)).ToList();
            var again = await Seed(database);
            Assert.Equal(2, again.Exit);
            var line = Assert.Single(again.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.StartsWith("contingency: the database already holds a program", line);
            Assert.Equal(counts, Tables.Select(t => Count(database, t)).ToList());
        }
        finally
        {
            TestDatabase.Drop(database);
        }
    }

    [Theory]
    // local now, why, the program's start, the commitments' start
    [InlineData("2026-11-29T16:04", "a Sunday: next Monday, whose advances were due on Friday", "2026-11-30", "2026-11-30")]
    [InlineData("2026-12-05T09:00", "a Saturday", "2026-12-07", "2026-12-07")]
    [InlineData("2026-12-04T17:00", "Friday at the payment moment", "2026-12-07", "2026-12-07")]
    [InlineData("2026-12-04T16:59", "Friday before it: this week's Monday, commitments from today", "2026-11-30", "2026-12-04")]
    [InlineData("2026-11-30T08:00", "a Monday morning: the program starts today", "2026-11-30", "2026-11-30")]
    [InlineData("2026-12-02T12:00", "a Wednesday", "2026-11-30", "2026-12-02")]
    public void The_demo_starts_so_that_its_first_advances_are_already_due(string localNow, string why, string program, string commitments)
    {
        var (p, c) = SeedDemo.StartDates(DateTime.Parse(localNow, System.Globalization.CultureInfo.InvariantCulture));
        Assert.True((DateOnly.Parse(program), DateOnly.Parse(commitments)) == (p, c), $"{why}: {p}, {c}");
    }

    [Fact]
    public void Next_monday_is_strictly_after_today()
    {
        Assert.Equal(new DateOnly(2026, 11, 30), SeedDemo.NextMonday(new DateOnly(2026, 11, 29)));
        Assert.Equal(new DateOnly(2026, 12, 7), SeedDemo.NextMonday(new DateOnly(2026, 11, 30)));
        Assert.Equal(new DateOnly(2026, 12, 7), SeedDemo.NextMonday(new DateOnly(2026, 12, 5)));
    }

    [Fact]
    public void The_demo_holidays_are_the_observed_ones_inside_the_program()
    {
        Assert.Equal([new DateOnly(2026, 12, 25), new DateOnly(2027, 1, 1), new DateOnly(2027, 1, 18)],
            SeedDemo.Holidays(new DateOnly(2026, 11, 30), new DateOnly(2027, 1, 24)));
        // Independence Day 2027 is a Sunday: observed on the Monday.
        Assert.Contains(new DateOnly(2027, 7, 5), SeedDemo.Holidays(new DateOnly(2027, 7, 1), new DateOnly(2027, 7, 31)));
    }
}

/// <summary>
/// The demo seeded in-process on the test clock: on a Wednesday the program is already running, its
/// commitments start that day and the advances of the week under way are released; a seed stopped
/// part-way says so, and the partial demo it leaves is refused by the next run.
/// </summary>
public sealed class SeedDemoOnTheClockTests
{
    private static async Task<(int Exit, string Out, string Error)> Seed(ContingencyApp app)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        var exit = await SeedDemo.RunAsync(app.Services, app.Services.GetRequiredService<IConfiguration>(), output, error);
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task On_a_wednesday_the_program_runs_since_monday_and_the_week_under_way_is_paid()
    {
        // Wednesday 2027-02-03, 12:00 in Los Angeles.
        var now = new DateTimeOffset(2027, 2, 3, 20, 0, 0, TimeSpan.Zero);
        var database = TempDatabase.NewPath();
        try
        {
            await using var app = ContingencyApp.Over(database, new FakeTimeProvider(now));
            app.SchedulerRuns = false;
            var (exit, output, error) = await Seed(app);
            Assert.True(exit == 0, error);
            Assert.Contains("2027-02-01 to 2027-03-28", output);

            await using var scope = app.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ContingencyDb>();
            var program = await db.Programs.SingleAsync();
            Assert.Equal(new DateOnly(2027, 2, 1), program.StartsOn);
            // Most commitments start today, a week less so as to end inside the program; the rest next Monday.
            var commitments = await db.Commitments.Select(c => new { c.StartsOn, c.Weeks }).ToListAsync();
            Assert.True(commitments.Count(c => c.StartsOn == new DateOnly(2027, 2, 3) && c.Weeks == 7) > 200);
            Assert.All(commitments, c => Assert.Contains(c.StartsOn, new[] { new DateOnly(2027, 2, 3), new DateOnly(2027, 2, 8) }));
            // Nothing booked in the past.
            var starts = await db.Appointments.Select(a => a.Start).ToListAsync();
            Assert.True(starts.Count > 1000);
            Assert.All(starts, s => Assert.True(s > now));

            // The advances of this week were due last Friday: released in the seed's one batch, every other one scheduled.
            var batch = await db.PaymentBatches.SingleAsync();
            var released = await db.Payments.Where(p => p.Status == Payment.Released).Select(p => new { p.BatchId, p.DueAt }).ToListAsync();
            Assert.True(released.Count > 100);
            Assert.All(released, p => Assert.Equal(batch.Id, p.BatchId));
            Assert.All(released, p => Assert.True(p.DueAt <= now));
            var scheduled = await db.Payments.Where(p => p.Status == Payment.Scheduled).Select(p => p.DueAt).ToListAsync();
            Assert.All(scheduled, d => Assert.True(d > now));

            // Every displaced member's suggestions can be booked: each rebooks onto its first.
            var api = app.Api();
            var displaced = (await api.Get($"/api/programs/{program.Id}/displaced")).Expect(System.Net.HttpStatusCode.OK).EnumerateArray().ToList();
            Assert.NotEmpty(displaced);
            var suggested = displaced.SelectMany(d => d.GetProperty("suggestions").EnumerateArray().Select(s => (s.Str("providerId"), s.Str("start")))).ToList();
            Assert.Equal(suggested.Count, suggested.Distinct().Count());
            foreach (var item in displaced.Where(d => d.GetProperty("suggestions").GetArrayLength() > 0))
            {
                var first = item.GetProperty("suggestions")[0];
                (await api.Post($"/api/appointments/{item.Str("appointmentId")}/rebook", new { providerId = first.Str("providerId"), start = first.Str("start") }))
                    .Expect(System.Net.HttpStatusCode.Created);
            }
        }
        finally
        {
            TestDatabase.Drop(database);
        }
    }

    [Fact]
    public async Task A_seed_stopped_part_way_says_so_and_the_next_run_refuses_what_it_left()
    {
        var database = TempDatabase.NewPath();
        try
        {
            await using var app = ContingencyApp.Over(database, new FakeTimeProvider(ContingencyApp.DefaultNow));
            app.SchedulerRuns = false;
            var fault = new CommitmentFault();
            app.Interceptors.Add(fault);

            var (exit, _, error) = await Seed(app);
            Assert.Equal(1, exit);
            var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.StartsWith("contingency: seed-demo stopped part-way (InvalidOperationException: Injected fault", line);
            Assert.EndsWith("start again from a fresh database.", line.TrimEnd());

            fault.Armed = false;
            var again = await Seed(app);
            Assert.Equal(2, again.Exit);
            Assert.StartsWith("contingency: the database already holds a program", again.Error);
            await using var scope = app.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ContingencyDb>();
            Assert.Equal((1, 1, 0), (await db.Programs.CountAsync(), await db.Providers.CountAsync(), await db.Commitments.CountAsync()));
        }
        finally
        {
            TestDatabase.Drop(database);
        }
    }

    /// <summary>Fails the first commitment's save: the seed dies after the program and one provider.</summary>
    private sealed class CommitmentFault : SaveChangesInterceptor
    {
        public bool Armed { get; set; } = true;

        public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result,
            CancellationToken cancellationToken = default) =>
            Armed && eventData.Context?.ChangeTracker.Entries<Commitment>().Any(e => e.State == EntityState.Added) == true
                ? throw new InvalidOperationException("Injected fault: the seed is stopped here.")
                : ValueTask.FromResult(result);
    }
}
