namespace Contingency.Tests.Retention;

using System.Net;
using System.Text.Json;
using Contingency.Data;
using Contingency.Data.Entities;
using Contingency.Features.Retention;
using Contingency.Tests.Support;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Quartz;

/// <summary>Idempotency records answer retries for Retention:IdempotencyHours, then the key is a new request's, and the expiry job removes them.</summary>
public sealed class IdempotencyExpiryTests
{
    private static async Task<int> RecordCount(ContingencyApp app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ContingencyDb>().IdempotencyRecords.CountAsync();
    }

    private static async Task<int> Expire(ContingencyApp app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ISender>().Send(new ExpireIdempotencyRecords());
    }

    [Fact]
    public async Task A_key_replays_within_the_window_and_is_a_new_request_after_it()
    {
        await using var app = new ContingencyApp { SchedulerRuns = false };
        var api = app.Api();
        var (_, providerId, _) = await api.Scenario();
        var first = Api.BookingBody(providerId, "2027-03-02T09:00:00-08:00", memberRef: "M-RETRY-1");

        var booked = (await api.Post("/api/appointments", first, "key-1")).Expect(HttpStatusCode.Created);
        (await api.Post("/api/appointments", Api.BookingBody(providerId, "2027-03-02T11:00:00-08:00"), "key-2")).Expect(HttpStatusCode.Created);
        (await api.Post("/api/appointments", Api.BookingBody(providerId, "2027-03-02T12:00:00-08:00"), "key-3")).Expect(HttpStatusCode.Created);
        app.Clock.Advance(TimeSpan.FromHours(23));
        Assert.Equal(booked.Id(), (await api.Post("/api/appointments", first, "key-1")).Expect(HttpStatusCode.Created).Id());
        (await api.Post("/api/appointments", Api.BookingBody(providerId, "2027-03-02T10:00:00-08:00"), "key-2"))
            .ExpectProblem(HttpStatusCode.UnprocessableEntity, "idempotency-key-reused");
        Assert.Equal(0, await Expire(app)); // nothing is old enough yet
        Assert.Equal(3, await RecordCount(app));

        // A day after, before any job has run: an expired record answers nothing; its key is a new request's.
        app.Clock.Advance(TimeSpan.FromHours(1));
        var third = (await api.Post("/api/appointments", Api.BookingBody(providerId, "2027-03-02T13:00:00-08:00"), "key-3")).Expect(HttpStatusCode.Created);
        Assert.Equal(third.Id(), (await api.Post("/api/appointments", Api.BookingBody(providerId, "2027-03-02T13:00:00-08:00"), "key-3"))
            .Expect(HttpStatusCode.Created).Id());

        // The job removes the other two; the same request under key-1 is then a new booking of a slot now taken,
        // and another request under key-2 is no longer refused as a reused key: it books.
        Assert.Equal(2, await Expire(app));
        Assert.Equal(1, await RecordCount(app)); // key-3's new answer
        (await api.Post("/api/appointments", first, "key-1")).ExpectProblem(HttpStatusCode.Conflict, "slot-taken");
        var other = Api.BookingBody(providerId, "2027-03-02T10:00:00-08:00", memberRef: "M-RETRY-2");
        var again = (await api.Post("/api/appointments", other, "key-2")).Expect(HttpStatusCode.Created);
        Assert.NotEqual(booked.Id(), again.Id());
        Assert.Equal(again.Id(), (await api.Post("/api/appointments", other, "key-2")).Expect(HttpStatusCode.Created).Id());
    }

    [Theory]
    [InlineData(5)] // two whole batches of 2 and one short
    [InlineData(4)] // batches that come out even: a last, empty one ends the run
    public async Task The_expiry_removes_only_records_older_than_the_window_in_batches(int old)
    {
        await using var app = new ContingencyApp { SchedulerRuns = false };
        app.Settings["Retention:IdempotencyHours"] = "2";
        app.Settings["Retention:BatchSize"] = "2";
        var api = app.Api();
        var (_, providerId, _) = await api.Scenario();
        for (var hour = 9; hour < 9 + old; hour++)
            (await api.Post("/api/appointments", Api.BookingBody(providerId, $"2027-03-02T{hour:00}:00:00-08:00"), $"old-{hour}")).Expect(HttpStatusCode.Created);
        app.Clock.Advance(TimeSpan.FromHours(1));
        (await api.Post("/api/appointments", Api.BookingBody(providerId, "2027-03-03T12:00:00-08:00"), "young")).Expect(HttpStatusCode.Created);
        app.Clock.Advance(TimeSpan.FromHours(1));

        Assert.Equal(old, await Expire(app));
        Assert.Equal(1, await RecordCount(app));
        Assert.Equal(0, await Expire(app)); // a second run finds nothing left
    }

    [Fact]
    public async Task The_job_fires_from_the_scheduler_records_its_run_and_leaves_an_audit_entry()
    {
        await using var app = new ContingencyApp();
        var api = app.Api();
        var (_, providerId, _) = await api.Scenario();
        (await api.Post("/api/appointments", Api.BookingBody(providerId, "2027-03-02T09:00:00-08:00"), "key-1")).Expect(HttpStatusCode.Created);
        app.Clock.Advance(TimeSpan.FromHours(25));

        // The job's own trigger has a moment in the past now too and may fire as well: either run removes the
        // record, and a run that removes nothing leaves no audit entry.
        var scheduler = await app.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        await scheduler.TriggerJob(RetentionJobs.KeyOf(ExpireIdempotencyRecords.Job));
        async Task<List<JsonElement>> Entries() =>
            (await api.Get($"/api/audit?entityType=retention-job&entityId={ExpireIdempotencyRecords.Job}")).Expect(HttpStatusCode.OK)
                .GetProperty("items").EnumerateArray().ToList();
        Assert.True(await Eventually.True(async () => await RecordCount(app) == 0 && (await Entries()).Count > 0));

        var entry = Assert.Single(await Entries());
        Assert.Equal(("system", ExpireIdempotencyRecords.Job), (entry.Str("actor"), entry.Str("action")));
        Assert.StartsWith("1 idempotency records older than 24 h removed", entry.Str("summary"));
        var run = (await api.Get("/api/retention")).Expect(HttpStatusCode.OK).GetProperty("jobs").EnumerateArray()
            .Single(j => j.Str("name") == ExpireIdempotencyRecords.Job).GetProperty("lastRun");
        Assert.Equal("completed", run.Str("outcome"));
    }

    /// <summary>Retention:ExpirySchedule is the job's trigger: GET /api/retention reports it, and the job runs on it.</summary>
    [Fact]
    public async Task A_configured_schedule_is_the_jobs_trigger()
    {
        await using var app = new ContingencyApp();
        app.Settings["Retention:ExpirySchedule"] = "0 0 3 * * ?";
        app.Settings["Retention:IdempotencyHours"] = "1";
        var api = app.Api();
        var (_, providerId, _) = await api.Scenario();
        (await api.Post("/api/appointments", Api.BookingBody(providerId, "2027-03-02T09:00:00-08:00"), "key-1")).Expect(HttpStatusCode.Created);

        async Task<JsonElement> Job() => (await api.Get("/api/retention")).Expect(HttpStatusCode.OK).GetProperty("jobs").EnumerateArray()
            .Single(j => j.Str("name") == ExpireIdempotencyRecords.Job);
        var job = await Job();
        Assert.Equal(("cron '0 0 3 * * ?' (UTC)", "0 0 3 * * ?"), (job.Str("schedule"), job.Str("cron")));
        var next = job.GetProperty("nextRunAt").GetDateTimeOffset();
        Assert.Equal(new DateTimeOffset(2027, 2, 2, 3, 0, 0, TimeSpan.Zero), next); // the clock starts at 2027-02-01 16:00 UTC
        var other = Assert.Single((await api.Get("/api/retention")).Expect(HttpStatusCode.OK).GetProperty("jobs").EnumerateArray(), j => j.Str("name") == HashMemberData.Job);
        Assert.Equal(("daily at 02:30 UTC", "0 30 2 * * ?"), (other.Str("schedule"), other.Str("cron")));

        // Past 03:00: it runs, removes the record (an hour old by then), and waits for the next 03:00.
        app.Clock.SetUtcNow(new DateTimeOffset(2027, 2, 2, 3, 0, 1, TimeSpan.Zero));
        Assert.True(await Eventually.True(async () => await RecordCount(app) == 0), "the configured schedule never ran the job");
        Assert.True(await Eventually.True(async () =>
            (await Job()).GetProperty("nextRunAt").GetDateTimeOffset() == new DateTimeOffset(2027, 2, 3, 3, 0, 0, TimeSpan.Zero)));
    }

    /// <summary>
    /// A start writes a retention trigger only when it is missing or its schedule changed: a stored one is
    /// left as it was (rewriting it from the starting node's clock could arm a moment another node had just
    /// fired), and a changed schedule replaces it from then on.
    /// </summary>
    [Fact]
    public async Task A_start_leaves_a_stored_trigger_alone_unless_its_schedule_changed()
    {
        var path = TempDatabase.NewPath();
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(ContingencyApp.DefaultNow);
        static async Task<ICronTrigger> Trigger(ContingencyApp app, string job) =>
            (ICronTrigger)(await (await app.Services.GetRequiredService<ISchedulerFactory>().GetScheduler())
                .GetTrigger(RetentionJobs.TriggerKeyOf(job)))!;
        // The hashing on a schedule written in lower case, which Quartz stores in its own form (SUN).
        const string Sundays = "0 0 4 ? * sun";

        (DateTimeOffset Expiry, DateTimeOffset Hashing) written;
        await using (var first = ContingencyApp.Over(path, clock))
        {
            first.SchedulerRuns = false;
            first.Settings["Retention:MemberDataSchedule"] = Sundays;
            written = ((await Trigger(first, ExpireIdempotencyRecords.Job)).StartTimeUtc, (await Trigger(first, HashMemberData.Job)).StartTimeUtc);
        }
        clock.Advance(TimeSpan.FromMinutes(5));
        await using (var second = ContingencyApp.Over(path, clock))
        {
            second.SchedulerRuns = false;
            second.Settings["Retention:MemberDataSchedule"] = Sundays;
            var (expiry, hashing) = (await Trigger(second, ExpireIdempotencyRecords.Job), await Trigger(second, HashMemberData.Job));
            Assert.Equal((written.Expiry, "0 0/15 * * * ?"), (expiry.StartTimeUtc, expiry.CronExpressionString));
            Assert.Equal((written.Hashing, "0 0 4 ? * SUN"), (hashing.StartTimeUtc, hashing.CronExpressionString));
            var reported = (await second.Api().Get("/api/retention")).Expect(HttpStatusCode.OK).GetProperty("jobs").EnumerateArray()
                .Single(j => j.Str("name") == HashMemberData.Job);
            Assert.Equal(("cron '0 0 4 ? * SUN' (UTC)", "0 0 4 ? * SUN"), (reported.Str("schedule"), reported.Str("cron")));
        }
        // A stored trigger Quartz put in error (a job it could not load, say) is written again, not left for good.
        await using (var connection = TestDatabase.Open(path))
        await using (var update = connection.CreateCommand())
        {
            update.CommandText = "UPDATE QRTZ_TRIGGERS SET TRIGGER_STATE = 'ERROR' WHERE TRIGGER_NAME = @name";
            update.With("name", RetentionJobs.TriggerKeyOf(ExpireIdempotencyRecords.Job).Name);
            Assert.Equal(1, await update.ExecuteNonQueryAsync());
        }
        clock.Advance(TimeSpan.FromMinutes(5));
        await using (var repaired = ContingencyApp.Over(path, clock))
        {
            repaired.SchedulerRuns = false;
            repaired.Settings["Retention:MemberDataSchedule"] = Sundays;
            var scheduler = await repaired.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
            Assert.Equal(TriggerState.Normal, await scheduler.GetTriggerState(RetentionJobs.TriggerKeyOf(ExpireIdempotencyRecords.Job)));
            Assert.Equal(clock.GetUtcNow(), (await Trigger(repaired, ExpireIdempotencyRecords.Job)).StartTimeUtc, TimeSpan.FromSeconds(1));
            Assert.Equal(written.Hashing, (await Trigger(repaired, HashMemberData.Job)).StartTimeUtc);
        }
        clock.Advance(TimeSpan.FromMinutes(5));
        await using var third = ContingencyApp.Over(path, clock);
        third.SchedulerRuns = false;
        third.Settings["Retention:ExpirySchedule"] = "0 0 3 * * ?";
        var changed = await Trigger(third, ExpireIdempotencyRecords.Job);
        Assert.Equal("0 0 3 * * ?", changed.CronExpressionString);
        Assert.InRange(changed.StartTimeUtc, clock.GetUtcNow().AddSeconds(-1), clock.GetUtcNow());
        // Back to the default for the hashing: replaced too.
        Assert.Equal("0 30 2 * * ?", (await Trigger(third, HashMemberData.Job)).CronExpressionString);
    }

    /// <summary>
    /// Bookings go on while the expiry removes thousands of records in small batches: every one of them
    /// is answered (none fails on the lock), and every old record is gone. How long they wait is measured
    /// in BENCHMARKS.md ("Idempotency expiry under a booking load"), not here.
    /// </summary>
    [Fact]
    public async Task Bookings_go_on_while_the_expiry_runs()
    {
        await using var app = new ContingencyApp { SchedulerRuns = false };
        app.Settings["Retention:BatchSize"] = "100";
        var api = app.Api();
        var (_, providerId, _) = await api.Scenario();
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ContingencyDb>();
            db.IdempotencyRecords.AddRange(Enumerable.Range(0, 3_000).Select(i =>
                new IdempotencyRecord($"old:{i:D5}", new string('a', 64), $"r-{i}", "{}", app.Now.AddDays(-2))));
            await db.SaveChangesAsync();
        }

        var expiry = Expire(app);
        int[] days = [2, 3, 4, 5, 8]; // Tuesday 2 March to Monday 8 March, weekdays
        var bookings = await Task.WhenAll(Enumerable.Range(0, 30).Select(i =>
            api.Post("/api/appointments", Api.BookingBody(providerId, $"2027-03-{days[i / 6]:00}T{9 + i % 6:00}:00:00-08:00"), $"new-{i}")));
        Assert.Equal(3_000, await expiry);
        Assert.All(bookings, b => b.Expect(HttpStatusCode.Created));
        Assert.Equal(30, await RecordCount(app)); // the bookings' own records stay
    }
}
