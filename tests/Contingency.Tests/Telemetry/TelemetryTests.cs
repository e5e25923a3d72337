namespace Contingency.Tests.Telemetry;

using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Contingency.Data;
using Contingency.Infrastructure.Security;
using Contingency.Infrastructure.Telemetry;
using Contingency.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using OpenTelemetry;

/// <summary>
/// What the service exports, read through OpenTelemetry's in-memory exporters: the spans of a
/// request, its Mediator message and the database; the spans of a Quartz job and its payment run;
/// the contract's metrics with their attributes; and nothing the service was sent that it must not
/// repeat. One test at a time (<see cref="TelemetryCollection"/>).
/// </summary>
[Collection(TelemetryCollection.Name)]
public sealed class TelemetryTests
{
    private static readonly DateTimeOffset FirstPaymentMoment = DateTimeOffset.Parse("2027-02-26T17:00:00-08:00");

    /// <summary>The moment the program's trigger is armed for when it is made on the tests' first day: its first Friday 17:00 (nothing is due yet).</summary>
    private static readonly DateTimeOffset FirstArmedMoment = DateTimeOffset.Parse("2027-02-05T17:00:00-08:00");

    private static Dictionary<string, double> ByOutcome(TelemetryCapture telemetry, string operation) =>
        telemetry.Points(ContingencyMetrics.Bookings)
            .Where(p => p.Has(Instrumentation.BookingOperation, operation))
            .ToDictionary(p => p.Tags[Instrumentation.BookingOutcome]!, p => p.Value);

    private static string? Tag(Activity span, string key) => span.GetTagItem(key)?.ToString();

    [Fact]
    public async Task A_booking_and_its_refusals_are_spans_under_their_requests_and_are_counted_by_outcome()
    {
        var telemetry = new TelemetryCapture();
        await using var app = new ContingencyApp { SchedulerRuns = false };
        telemetry.AddTo(app);
        var api = app.Api();
        var (_, providerId, _) = await api.Scenario();
        const string start = "2027-03-02T09:00:00-08:00";

        var booked = (await api.Post("/api/appointments", Api.BookingBody(providerId, start, memberRef: "M-TELEMETRY-1"), "key-1")).Expect(HttpStatusCode.Created);
        (await api.Post("/api/appointments", Api.BookingBody(providerId, start, memberRef: "M-TELEMETRY-1"), "key-1")).Expect(HttpStatusCode.Created);
        (await api.Post("/api/appointments", Api.BookingBody(providerId, start, memberRef: "M-TELEMETRY-2"))).ExpectProblem(HttpStatusCode.Conflict, "slot-taken");
        (await api.Post("/api/appointments", Api.BookingBody(providerId, start, memberRef: "M-TELEMETRY-3", kind: "follow-up"))).ExpectValidation("previousVisitOn");
        (await api.Post($"/api/appointments/{booked.Id()}/reschedule", new { providerId, start = "2027-03-03T09:00:00-08:00" })).Expect(HttpStatusCode.Created);
        (await api.Get("/api/appointments?memberRef=M-TELEMETRY-1")).Expect(HttpStatusCode.OK);
        // The request's span ends after its answer has gone: wait for it, so that the scan below sees its query.
        Assert.True(await Eventually.True(() => Task.FromResult(telemetry.Spans.Any(s =>
            s.Source.Name == "Microsoft.AspNetCore" && s.GetTagItem("url.query")?.ToString() == "?memberRef=Redacted"))));
        telemetry.Flush(app);

        Assert.Equal(new Dictionary<string, double> { ["booked"] = 1, ["replayed"] = 1, ["slot-taken"] = 1, ["invalid-request"] = 1 }, ByOutcome(telemetry, "book"));
        Assert.Equal(new Dictionary<string, double> { ["booked"] = 1 }, ByOutcome(telemetry, "reschedule"));

        var spans = telemetry.Spans;
        var books = spans.Where(s => s.Source.Name == Instrumentation.Name && s.OperationName == "Book").ToList();
        Assert.Equal(["ok", "ok", "slot-taken", "invalid-request"], books.OrderBy(s => s.StartTimeUtc).Select(s => Tag(s, Instrumentation.Outcome)));
        Assert.All(books, book =>
        {
            // A refusal is the service doing its job: the message's span is no error, its request answered 4xx.
            Assert.Equal(ActivityStatusCode.Unset, book.Status);
            Assert.Equal("Book", Tag(book, Instrumentation.MessageType));
            var request = Assert.Single(spans, s => s.SpanId == book.ParentSpanId);
            Assert.Equal(("Microsoft.AspNetCore", ActivityKind.Server, "/api/appointments/"), (request.Source.Name, request.Kind, Tag(request, "http.route")));
            Assert.Equal(book.TraceId, request.TraceId);
        });
        var first = books.MinBy(s => s.StartTimeUtc)!;
        Assert.Contains(spans, s => s.ParentSpanId == first.SpanId && s.Source.Name.Contains("EntityFrameworkCore") && s.Kind == ActivityKind.Client);
        Assert.Equal("409", Tag(Assert.Single(spans, s => s.SpanId == books.Single(b => Tag(b, Instrumentation.Outcome) == "slot-taken").ParentSpanId),
            "http.response.status_code"));

        // The member references went in bodies and a query string; no span or metric attribute carries one.
        Assert.True(app.Sent.Contains("memberRef", "M-TELEMETRY-1"));
        telemetry.AssertNothingSent(app);
    }

    [Fact]
    public async Task Bookings_refused_before_any_handler_are_counted_by_their_code_too()
    {
        var telemetry = new TelemetryCapture();
        await using var app = new ContingencyApp { SchedulerRuns = false };
        app.Settings["RateLimiting:Burst"] = "2";
        app.Settings["RateLimiting:PermitsPerSecond"] = "1";
        telemetry.AddTo(app);
        var api = app.Api();
        var (_, providerId, _) = await api.Scenario();
        var scheduler = new Api(app.ClientWith(app.Token("scheduler-1", [Roles.Scheduling])));
        var capacity = new Api(app.ClientWith(app.Token("planner-1", [Roles.Capacity])));

        using (var unreadable = new StringContent("{\"providerId\": ", System.Text.Encoding.UTF8, "application/json"))
            Assert.Equal(HttpStatusCode.BadRequest, (await scheduler.Http.PostAsync("/api/appointments", unreadable)).StatusCode);
        // Book until the caller's bucket (2, refilled at 1 a second) runs dry, however slowly the machine goes.
        var booked = 0;
        for (var hour = 9; ; hour++)
        {
            var answer = await scheduler.Post("/api/appointments", Api.BookingBody(providerId, $"2027-03-02T{hour:00}:00:00-08:00"));
            if (answer.Status == HttpStatusCode.TooManyRequests)
            {
                answer.ExpectProblem(HttpStatusCode.TooManyRequests, "rate-limited");
                break;
            }
            answer.Expect(HttpStatusCode.Created);
            booked++;
            Assert.True(hour < 14, "the rate limit never answered");
        }
        (await capacity.Post("/api/appointments", Api.BookingBody(providerId, "2027-03-02T10:00:00-08:00"))).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.ClientWith(null).PostAsJsonAsync("/api/appointments", Api.BookingBody(providerId, "2027-03-02T10:00:00-08:00"))).StatusCode);
        // Not a booking: not counted.
        (await scheduler.Get("/api/appointments?providerId=" + providerId)).Expect(HttpStatusCode.OK);
        telemetry.Flush(app);

        Assert.Equal(new Dictionary<string, double>
        {
            ["booked"] = booked, ["malformed-request"] = 1, ["rate-limited"] = 1, ["forbidden"] = 1, ["unauthenticated"] = 1,
        }, ByOutcome(telemetry, "book"));
    }

    /// <summary>The retention runs are counted by job and outcome, and the rows they removed by job; every series from 0.</summary>
    [Fact]
    public async Task Retention_runs_and_their_rows_are_counted_by_job_and_outcome()
    {
        var telemetry = new TelemetryCapture();
        await using var app = new ContingencyApp { SchedulerRuns = false };
        app.Settings["Retention:MemberDataDays"] = "0";
        telemetry.AddTo(app);
        var api = app.Api();
        var (_, providerId, _) = await api.Scenario();
        (await api.Post("/api/appointments", Api.BookingBody(providerId, "2027-03-02T09:00:00-08:00"), "key-1")).Expect(HttpStatusCode.Created);
        (await api.Post("/api/appointments", Api.BookingBody(providerId, "2027-03-02T10:00:00-08:00"), "key-2")).Expect(HttpStatusCode.Created);
        app.Clock.Advance(TimeSpan.FromHours(25));
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var sender = scope.ServiceProvider.GetRequiredService<Mediator.ISender>();
            Assert.Equal(2, await sender.Send(new Contingency.Features.Retention.ExpireIdempotencyRecords()));
            Assert.Equal(0, await sender.Send(new Contingency.Features.Retention.ExpireIdempotencyRecords()));
            Assert.Equal(0, await sender.Send(new Contingency.Features.Retention.HashMemberData())); // the policy is off
        }
        telemetry.Flush(app);

        var runs = telemetry.Points(Contingency.Features.Retention.RetentionMetrics.Runs)
            .ToDictionary(p => (p.Tags[Instrumentation.RetentionJob]!, p.Tags[Instrumentation.RetentionRunOutcome]!), p => p.Value);
        Assert.Equal(new Dictionary<(string, string), double>
        {
            [("expire-idempotency-records", "completed")] = 2, [("expire-idempotency-records", "failed")] = 0, [("expire-idempotency-records", "off")] = 0,
            [("hash-member-data", "completed")] = 0, [("hash-member-data", "failed")] = 0, [("hash-member-data", "off")] = 1,
        }, runs);
        var rows = telemetry.Points(Contingency.Features.Retention.RetentionMetrics.Rows).ToDictionary(p => p.Tags[Instrumentation.RetentionJob]!, p => p.Value);
        Assert.Equal(new Dictionary<string, double> { ["expire-idempotency-records"] = 2, ["hash-member-data"] = 0 }, rows);

        // The failing gauge is read from the jobs' last runs: 1 from a failed run until a run completes.
        var reader = app.Services.GetServices<IHostedService>().OfType<GaugeReader>().Single();
        async Task<Dictionary<string, double>> Failing()
        {
            await reader.ReadAsync(CancellationToken.None);
            telemetry.Flush(app);
            return telemetry.Points(Contingency.Features.Retention.RetentionMetrics.Failing).ToDictionary(p => p.Tags[Instrumentation.RetentionJob]!, p => p.Value);
        }
        Assert.Equal(new Dictionary<string, double> { ["expire-idempotency-records"] = 0, ["hash-member-data"] = 0 }, await Failing());
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ContingencyDb>();
            var failed = await db.RetentionRuns.SingleAsync(r => r.Job == "expire-idempotency-records");
            failed.Record(app.Clock.GetUtcNow(), app.Clock.GetUtcNow(), Contingency.Data.Entities.RetentionRun.Failed, 0, "failed: TimeoutException after removing 0 records");
            await db.SaveChangesAsync();
        }
        Assert.Equal(new Dictionary<string, double> { ["expire-idempotency-records"] = 1, ["hash-member-data"] = 0 }, await Failing());
        app.Clock.Advance(TimeSpan.FromMinutes(1));
        await using (var scope = app.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<Mediator.ISender>().Send(new Contingency.Features.Retention.ExpireIdempotencyRecords());
        Assert.Equal(new Dictionary<string, double> { ["expire-idempotency-records"] = 0, ["hash-member-data"] = 0 }, await Failing());
    }

    [Fact]
    public async Task A_payment_run_is_one_span_with_its_program_batch_and_counts_and_is_counted_and_timed()
    {
        var telemetry = new TelemetryCapture();
        await using var app = new ContingencyApp { SchedulerRuns = false };
        telemetry.AddTo(app);
        var api = app.Api();
        var (programId, _, _) = await api.Scenario();
        (await api.Post($"/api/programs/{programId}/payment-runs", null)).Expect(HttpStatusCode.OK);
        app.Clock.SetUtcNow(FirstPaymentMoment);

        var run = (await api.Post($"/api/programs/{programId}/payment-runs", null)).Expect(HttpStatusCode.OK);
        telemetry.Flush(app);

        var batchId = run.Str("batchId");
        var released = run.Int("released");
        var amount = run.GetProperty("amount").GetDecimal();
        Assert.True(released > 0);
        var runs = telemetry.Spans.Where(s => s.Source.Name == Instrumentation.Name && s.OperationName == "payment run").ToList();
        Assert.Equal(2, runs.Count);
        var paid = Assert.Single(runs, s => Tag(s, Instrumentation.BatchId) == batchId);
        Assert.Equal((programId, "released", released.ToString(), amount.ToString(System.Globalization.CultureInfo.InvariantCulture), "USD"),
            (Tag(paid, Instrumentation.ProgramId), Tag(paid, Instrumentation.PaymentRunOutcome), Tag(paid, Instrumentation.PaymentsReleased),
             Tag(paid, Instrumentation.PaymentsAmount), Tag(paid, Instrumentation.Currency)));
        var message = Assert.Single(telemetry.Spans, s => s.SpanId == paid.ParentSpanId);
        Assert.Equal("RunPayments", message.OperationName);
        var nothing = Assert.Single(runs, s => s != paid);
        Assert.Equal(("nothing-due", null), (Tag(nothing, Instrumentation.PaymentRunOutcome), Tag(nothing, Instrumentation.BatchId)));

        var runsByOutcome = telemetry.Points(ContingencyMetrics.PaymentRuns).ToDictionary(p => p.Tags[Instrumentation.PaymentRunOutcome]!, p => p.Value);
        // Every outcome has its series from the start: the first failure after a restart is an increase from 0.
        Assert.Equal(new Dictionary<string, double> { ["released"] = 1, ["nothing-due"] = 1, ["failed"] = 0, ["aborted"] = 0 }, runsByOutcome);
        var count = Assert.Single(telemetry.Points(ContingencyMetrics.PaymentsReleased));
        Assert.Equal(("USD", (double)released), (count.Tags[Instrumentation.Currency], count.Value));
        var sum = Assert.Single(telemetry.Points(ContingencyMetrics.PaymentsReleasedAmount));
        Assert.Equal(("USD", (double)amount), (sum.Tags[Instrumentation.Currency], sum.Value));
        var durations = telemetry.Points(ContingencyMetrics.PaymentRunDuration);
        Assert.Equal(1, Assert.Single(durations, d => d.Has(Instrumentation.PaymentRunOutcome, "released")).Count);
        Assert.Equal(1, Assert.Single(durations, d => d.Has(Instrumentation.PaymentRunOutcome, "nothing-due")).Count);
        telemetry.AssertNothingSent(app);
    }

    [Fact]
    public async Task A_moment_missed_while_down_fires_as_a_job_span_over_its_run_and_is_counted_as_a_misfire_and_its_lateness()
    {
        var path = TempDatabase.NewPath();
        string programId;
        await using (var before = ContingencyApp.Over(path))
        {
            before.SchedulerRuns = false;
            (programId, _, _) = await before.Api().Scenario();
        }

        // Back two hours after the first payment moment: Quartz finds the armed trigger (its first Friday)
        // misfired and fires it once, now; that run releases what is due.
        var telemetry = new TelemetryCapture();
        await using var app = ContingencyApp.Over(path, new FakeTimeProvider(FirstPaymentMoment.AddHours(2)));
        telemetry.AddTo(app);
        _ = app.Services;
        // The job's span ends last, once the command's and the run's have: wait for it, not only the run's.
        Assert.True(await Eventually.True(() => Task.FromResult(
            telemetry.Spans.Any(s => s.OperationName == "payment run" && Tag(s, Instrumentation.PaymentRunOutcome) == "released")
            && telemetry.Spans.Any(s => s.Source.Name == "Quartz" && Tag(s, "quartz.job.name") == $"payment-run.{programId}"))));
        telemetry.Flush(app);

        var spans = telemetry.Spans;
        var paid = spans.Single(s => s.OperationName == "payment run" && Tag(s, Instrumentation.PaymentRunOutcome) == "released");
        var message = Assert.Single(spans, s => s.SpanId == paid.ParentSpanId);
        var job = Assert.Single(spans, s => s.SpanId == message.ParentSpanId);
        Assert.Equal(("Quartz", $"payment-run.{programId}", "payments"), (job.Source.Name, Tag(job, "quartz.job.name"), Tag(job, "quartz.job.group")));
        // The store's polls every few seconds are not traced on their own.
        Assert.DoesNotContain(spans, s => s.OperationName.StartsWith("Quartz.JobStore.", StringComparison.Ordinal) && s.ParentSpanId == default);

        var misfires = telemetry.Points("quartz.trigger.misfire");
        Assert.Equal(1, misfires.Where(p => p.Has("quartz.trigger.group", "payments")).Sum(p => p.Value));
        // The trigger's name (a new one per moment) is not kept as an attribute.
        Assert.All(misfires, p => Assert.DoesNotContain("quartz.trigger.name", p.Tags.Keys));
        var lateness = Assert.Single(telemetry.Points(ContingencyMetrics.SchedulerFireLag), p => p.Has(Instrumentation.JobGroup, "payments"));
        Assert.Equal((1, (FirstPaymentMoment.AddHours(2) - FirstArmedMoment).TotalSeconds), (lateness.Count, lateness.Value));
        telemetry.AssertNothingSent(app);
    }

    [Fact]
    public async Task Scheduler_lag_and_overdue_payments_grow_with_the_clock_while_the_scheduler_is_paused()
    {
        var telemetry = new TelemetryCapture();
        await using var app = new ContingencyApp { SchedulerRuns = false };
        // The gauges are read every 15 s of the clock in the background; here the test reads them, and only it.
        app.ConfigureServices = services => services.Remove(services.Single(d => d.ImplementationType == typeof(GaugeReader)));
        telemetry.AddTo(app);
        var api = app.Api();
        var (programId, _, _) = await api.Scenario();
        var reader = ActivatorUtilities.CreateInstance<GaugeReader>(app.Services);
        async Task<(double Lag, double Overdue)> Read()
        {
            await reader.ReadAsync(CancellationToken.None);
            telemetry.Flush(app);
            return (Assert.Single(telemetry.Points(ContingencyMetrics.SchedulerLag), p => p.Has(Instrumentation.TriggerGroup, "payments")).Value,
                Assert.Single(telemetry.Points(ContingencyMetrics.PaymentsOverdue), p => p.Has(Instrumentation.ProgramId, programId)).Value);
        }

        double LateBy(TimeSpan after) => (FirstPaymentMoment + after - FirstArmedMoment).TotalSeconds;

        Assert.Equal((0, 0), await Read());
        app.Clock.SetUtcNow(FirstArmedMoment.AddMinutes(10));
        Assert.Equal((600, 0), await Read()); // the trigger is late; no payment is due yet
        app.Clock.SetUtcNow(FirstPaymentMoment.AddMinutes(10));
        Assert.Equal((LateBy(TimeSpan.FromMinutes(10)), 0), await Read()); // due, but not yet overdue
        app.Clock.SetUtcNow(FirstPaymentMoment.AddMinutes(25));
        Assert.Equal((LateBy(TimeSpan.FromMinutes(25)), 2), await Read()); // the signing bonus and the first advance

        // A person releases them; the trigger still waits for the paused scheduler, and says so.
        (await api.Post($"/api/programs/{programId}/payment-runs", null)).Expect(HttpStatusCode.OK);
        Assert.Equal((LateBy(TimeSpan.FromMinutes(25)), 0), await Read());
    }

    [Fact]
    public async Task Database_errors_are_counted_by_kind()
    {
        var telemetry = new TelemetryCapture();
        await using var app = new ContingencyApp { SchedulerRuns = false };
        telemetry.AddTo(app);
        await app.Api().Scenario();
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ContingencyDb>();
            var name = $"contingency-test-{Path.GetFileNameWithoutExtension(app.DatabasePath)}";
            // The lock rows are written at start: a second one is a unique violation on every provider.
            await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() =>
                db.Database.ExecuteSqlRawAsync("INSERT INTO QRTZ_LOCKS (SCHED_NAME, LOCK_NAME) VALUES ({0}, 'TRIGGER_ACCESS')", [name]));
            await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => db.Database.ExecuteSqlRawAsync("SELECT * FROM no_such_table"));
        }
        telemetry.Flush(app);

        var errors = telemetry.Points(ContingencyMetrics.DatabaseErrors).ToDictionary(p => p.Tags[Instrumentation.ErrorType]!, p => p.Value);
        Assert.Equal(new Dictionary<string, double> { ["unique_violation"] = 1, ["other"] = 1 }, errors);
        // The failed statements' spans say they failed, and not the database's message (which can quote a row).
        var failed = telemetry.Spans.Where(s => s.Source.Name.Contains("EntityFrameworkCore") && s.Status == ActivityStatusCode.Error).ToList();
        Assert.Equal(2, failed.Count);
        Assert.All(failed, s => Assert.Null(s.StatusDescription));
    }

    [Fact]
    public async Task Readiness_is_a_gauge_per_check_that_sees_a_stopped_scheduler()
    {
        var telemetry = new TelemetryCapture();
        await using var app = new ContingencyApp { SchedulerRuns = false };
        app.Settings["Telemetry:ReadinessDelaySeconds"] = "0";
        app.Settings["Telemetry:ReadinessPeriodSeconds"] = "1";
        telemetry.AddTo(app);
        _ = app.Services;

        Assert.True(await Eventually.True(() =>
        {
            telemetry.Flush(app);
            return Task.FromResult(telemetry.Points(ContingencyMetrics.Ready).Count == 2);
        }));
        var ready = telemetry.Points(ContingencyMetrics.Ready).ToDictionary(p => p.Tags["contingency.health.check"]!, p => p.Value);
        Assert.Equal(new Dictionary<string, double> { ["database"] = 1, ["scheduler"] = 0 }, ready);
    }

    [Fact]
    public async Task Every_node_names_itself_in_the_resource()
    {
        await using var app = new ContingencyApp { SchedulerRuns = false };
        app.Settings["Scheduler:InstanceId"] = "node-7";
        var resource = app.Services.GetRequiredService<OpenTelemetry.Trace.TracerProvider>().GetResource();

        var attributes = resource.Attributes.ToDictionary(a => a.Key, a => a.Value.ToString());
        Assert.Equal(("contingency", "node-7", Instrumentation.Version), (attributes["service.name"], attributes["service.instance.id"], attributes["service.version"]));
    }
}
