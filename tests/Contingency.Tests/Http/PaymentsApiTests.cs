namespace Contingency.Tests.Http;

using System.Net;
using System.Text;
using Contingency.Data;
using Contingency.Data.Entities;
using Contingency.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Payments over HTTP, with time driven by the test (a fresh service each, since time only moves
/// forward). Quartz stays in standby here so that each release is the test's own run; the
/// scheduler's firings are the subject of <see cref="SchedulerTests"/>.
/// </summary>
public sealed class PaymentsApiTests
{
    private static readonly DateTimeOffset FirstPaymentMoment = DateTimeOffset.Parse("2027-02-26T17:00:00-08:00");

    private static async Task<T> InDb<T>(ContingencyApp app, Func<ContingencyDb, Task<T>> query)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<ContingencyDb>());
    }

    [Fact]
    public async Task A_commitment_carries_its_schedule_from_the_moment_it_is_made()
    {
        await using var app = new ContingencyApp { SchedulerRuns = false };
        var api = app.Api();
        var (programId, providerId, commitmentId) = await api.Scenario(holidays: ["2027-03-10"]);

        var payments = (await api.Get($"/api/providers/{providerId}/payments?programId={programId}")).Expect(HttpStatusCode.OK);

        Assert.Equal(9, payments.GetArrayLength());
        var bonus = payments[0];
        Assert.Equal(("signing-bonus", 1000.00m, "2027-02-26T17:00:00-08:00", "scheduled"),
            (bonus.Str("kind"), bonus.GetProperty("amount").GetDecimal(), bonus.Str("dueAt"), bonus.Str("status")));
        var advances = payments.EnumerateArray().Where(p => p.Str("kind") == "advance").ToList();
        Assert.Equal(8, advances.Count);
        Assert.All(advances, a => Assert.Equal(commitmentId, a.Str("commitmentId")));
        Assert.Equal(("2027-03-08", "2027-03-14", 24, 4800.00m, "2027-03-05T17:00:00-08:00"),
            (advances[1].Str("periodStart"), advances[1].Str("periodEnd"), advances[1].Int("sessions"),
             advances[1].GetProperty("amount").GetDecimal(), advances[1].Str("dueAt")));
        Assert.Equal("2027-03-19T17:00:00-07:00", advances[3].Str("dueAt")); // after the spring change
        Assert.Equal(234 * 200.00m, advances.Sum(a => a.GetProperty("amount").GetDecimal()));
        Assert.All(payments.EnumerateArray(), p => Assert.Equal(System.Text.Json.JsonValueKind.Null, p.GetProperty("batchId").ValueKind));

        (await api.Get("/api/providers/nope/payments")).ExpectProblem(HttpStatusCode.NotFound, "not-found");
        // With the scheduler held in standby the service is live but not ready.
        Assert.Equal(HttpStatusCode.OK, (await api.Http.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await api.Http.GetAsync("/health/ready")).StatusCode);
        (await api.Get($"/api/providers/{providerId}/payments?programId=nope")).ExpectProblem(HttpStatusCode.NotFound, "not-found");
    }

    [Fact]
    public async Task A_run_releases_what_is_due_once_and_a_repeat_releases_nothing()
    {
        await using var app = new ContingencyApp { SchedulerRuns = false };
        var api = app.Api();
        var (programId, providerId, _) = await api.Scenario();
        var empty = (await api.Post($"/api/programs/{programId}/payment-runs", null)).Expect(HttpStatusCode.OK);
        Assert.Equal((0, 0m), (empty.Int("released"), empty.GetProperty("amount").GetDecimal()));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, empty.GetProperty("batchId").ValueKind);

        app.Clock.SetUtcNow(FirstPaymentMoment);
        var run = (await api.Post($"/api/programs/{programId}/payment-runs", null)).Expect(HttpStatusCode.OK);
        Assert.Equal((2, 7000.00m), (run.Int("released"), run.GetProperty("amount").GetDecimal()));
        var again = (await api.Post($"/api/programs/{programId}/payment-runs", null)).Expect(HttpStatusCode.OK);
        Assert.Equal(0, again.Int("released"));

        var batchId = run.Str("batchId");
        var batch = (await api.Get($"/api/payment-batches/{batchId}")).Expect(HttpStatusCode.OK);
        Assert.Equal((programId, 2, 7000.00m, "USD"), (batch.Str("programId"), batch.Int("released"), batch.GetProperty("amount").GetDecimal(), batch.Str("currency")));
        Assert.Equal(["signing-bonus", "advance"], batch.GetProperty("payments").EnumerateArray().Select(p => p.Str("kind")).Order().Reverse());
        var payments = (await api.Get($"/api/providers/{providerId}/payments")).Expect(HttpStatusCode.OK).EnumerateArray().ToList();
        Assert.Equal(2, payments.Count(p => p.Str("status") == "released" && p.Str("batchId") == batchId
                                          && p.Str("releasedAt") == "2027-02-26T17:00:00-08:00"));
        Assert.Equal(7, payments.Count(p => p.Str("status") == "scheduled"));

        Assert.Equal(1, await InDb(app, db => db.PaymentBatches.CountAsync(b => b.ProgramId == programId)));
        (await api.Get("/api/payment-batches/nope")).ExpectProblem(HttpStatusCode.NotFound, "not-found");
        (await api.Get("/api/payment-batches/nope/remittance.csv")).ExpectProblem(HttpStatusCode.NotFound, "not-found");
        (await api.Post("/api/programs/nope/payment-runs", null)).ExpectProblem(HttpStatusCode.NotFound, "not-found");
    }

    [Fact]
    public async Task The_remittance_file_is_one_line_per_payment_and_adds_up_to_the_batch()
    {
        await using var app = new ContingencyApp { SchedulerRuns = false };
        var api = app.Api();
        var program = await api.CreateProgram();
        var ids = new List<string>();
        foreach (var name in new[] { "Ana \"Nina\" Ruiz", "=HYPERLINK(\"x\")", "Lee, Chris" })
        {
            var body = System.Text.Json.JsonSerializer.SerializeToNode(Api.ProviderBody())!.AsObject();
            body["name"] = name;
            var provider = await api.Enroll(body);
            ids.Add(provider.Id());
            await api.Commit(program.Id(), Api.CommitmentBody(provider.Id(), slotsPerDay: 3));
        }
        app.Clock.SetUtcNow(FirstPaymentMoment);
        var run = (await api.Post($"/api/programs/{program.Id()}/payment-runs", null)).Expect(HttpStatusCode.OK);

        var response = await api.Http.GetAsync($"/api/payment-batches/{run.Str("batchId")}/remittance.csv");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(Encoding.UTF8.GetPreamble(), bytes[..3]);
        var lines = Encoding.UTF8.GetString(bytes[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal("batch_id,payment_id,provider_id,npi,provider_name,kind,period_start,period_end,sessions,amount,currency", lines[0]);
        Assert.Equal(7, lines.Length); // header, and a bonus and an advance for each of three providers
        var rows = lines[1..].Select(CsvLine.Cells).ToList();
        Assert.All(rows, r => Assert.Equal(11, r.Count));
        Assert.Equal(run.GetProperty("amount").GetDecimal(), rows.Sum(r => decimal.Parse(r[9], System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Contains(rows, r => r[4] == "Ana \"Nina\" Ruiz");
        Assert.Contains(rows, r => r[4] == "Lee, Chris");
        Assert.Contains(rows, r => r[4] == "'=HYPERLINK(\"x\")");
        Assert.Contains(rows, r => r[5] == "advance" && r[6] == "2027-03-01" && r[7] == "2027-03-07" && r[8] == "15" && r[9] == "3000.00");
        Assert.All(rows, r => Assert.Equal(run.Str("batchId"), r[0]));
    }

    [Fact]
    public async Task Runs_started_together_release_every_payment_exactly_once()
    {
        await using var app = new ContingencyApp { SchedulerRuns = false };
        var api = app.Api();
        var program = await api.CreateProgram();
        for (var i = 0; i < 5; i++)
        {
            var provider = await api.Enroll();
            await api.Commit(program.Id(), Api.CommitmentBody(provider.Id()));
        }
        app.Clock.SetUtcNow(FirstPaymentMoment);

        using var gate = new SemaphoreSlim(0);
        var runs = Enumerable.Range(0, 12).Select(async _ =>
        {
            await gate.WaitAsync();
            return await app.Api().Post($"/api/programs/{program.Id()}/payment-runs", null);
        }).ToList();
        gate.Release(runs.Count);
        var answers = await Task.WhenAll(runs);

        Assert.All(answers, a => a.Expect(HttpStatusCode.OK));
        Assert.Equal(10, answers.Sum(a => a.Body.Int("released")));
        Assert.Single(answers, a => a.Body.Int("released") > 0);
        var (released, releases, batches) = await InDb(app, async db => (
            await db.Payments.CountAsync(p => p.ProgramId == program.Id() && p.Status == Payment.Released),
            await db.PaymentReleases.CountAsync(),
            await db.PaymentBatches.Where(b => b.ProgramId == program.Id()).ToListAsync()));
        Assert.Equal(10, released);
        Assert.Equal(10, releases);
        var batch = Assert.Single(batches);
        Assert.Equal(10, batch.Released);
        Assert.Equal(5 * (1000.00m + 6000.00m), batch.Amount);
    }

    [Fact]
    public async Task A_run_that_dies_before_it_commits_leaves_nothing_behind_and_after_a_restart_pays_once()
    {
        var path = TempDatabase.NewPath();
        var faults = new PaymentRunFaults { FailBeforeCommit = true };
        string programId;
        await using (var dying = ContingencyApp.Over(path))
        {
            dying.SchedulerRuns = false;
            dying.Interceptors.Add(faults);
            var api = dying.Api();
            (programId, _, _) = await api.Scenario();
            dying.Clock.SetUtcNow(FirstPaymentMoment);

            // The batch and release rows are written, then the process "dies" before the commit.
            var failed = await api.Post($"/api/programs/{programId}/payment-runs", null);
            Assert.Equal(HttpStatusCode.InternalServerError, failed.Status);
            Assert.True(faults.Reached.Task.IsCompleted);
            Assert.Equal((0, 0, 0), await InDb(dying, async db => (
                await db.PaymentBatches.CountAsync(), await db.PaymentReleases.CountAsync(),
                await db.Payments.CountAsync(p => p.Status != Payment.Scheduled))));
        }

        await using var restarted = ContingencyApp.Over(path, new Microsoft.Extensions.Time.Testing.FakeTimeProvider(FirstPaymentMoment.AddMinutes(5)));
        restarted.SchedulerRuns = false;
        var again = restarted.Api();
        var run = (await again.Post($"/api/programs/{programId}/payment-runs", null)).Expect(HttpStatusCode.OK);
        Assert.Equal(2, run.Int("released"));
        Assert.Equal(0, (await again.Post($"/api/programs/{programId}/payment-runs", null)).Expect(HttpStatusCode.OK).Int("released"));
        var (batches, releases, batch) = await InDb(restarted, async db => (
            await db.PaymentBatches.CountAsync(), await db.PaymentReleases.CountAsync(), await db.PaymentBatches.SingleAsync()));
        Assert.Equal((1, 2), (batches, releases));
        Assert.Equal((2, 7000.00m), (batch.Released, batch.Amount));
    }

    [Fact]
    public async Task Withdrawal_inside_a_paid_week_schedules_a_negative_adjustment_that_the_next_run_releases()
    {
        await using var app = new ContingencyApp { SchedulerRuns = false };
        var api = app.Api();
        var (programId, providerId, commitmentId) = await api.Scenario();
        app.Clock.SetUtcNow(DateTimeOffset.Parse("2027-03-05T17:00:00-08:00"));
        Assert.Equal(3, (await api.Post($"/api/programs/{programId}/payment-runs", null)).Expect(HttpStatusCode.OK).Int("released"));

        app.Clock.SetUtcNow(DateTimeOffset.Parse("2027-03-08T10:00:00-08:00"));
        (await api.Post($"/api/commitments/{commitmentId}/withdraw", new { effectiveOn = "2027-03-10", reason = "leaving" })).Expect(HttpStatusCode.OK);

        var payments = (await api.Get($"/api/providers/{providerId}/payments")).Expect(HttpStatusCode.OK).EnumerateArray().ToList();
        var adjustment = Assert.Single(payments, p => p.Str("kind") == "adjustment");
        Assert.Equal(("2027-03-08", -18, -3600.00m, "2027-03-12T17:00:00-08:00", "scheduled"),
            (adjustment.Str("periodStart"), adjustment.Int("sessions"), adjustment.GetProperty("amount").GetDecimal(),
             adjustment.Str("dueAt"), adjustment.Str("status")));
        Assert.Equal(6, payments.Count(p => p.Str("kind") == "advance" && p.Str("status") == "cancelled"));
        Assert.Equal(2, payments.Count(p => p.Str("kind") == "advance" && p.Str("status") == "released"));

        app.Clock.SetUtcNow(DateTimeOffset.Parse("2027-03-12T17:00:00-08:00"));
        var run = (await api.Post($"/api/programs/{programId}/payment-runs", null)).Expect(HttpStatusCode.OK);
        Assert.Equal((1, -3600.00m), (run.Int("released"), run.GetProperty("amount").GetDecimal()));
    }

    [Fact]
    public async Task Extending_the_program_extends_commitments_that_ran_to_its_end_and_schedules_their_new_weeks()
    {
        await using var app = new ContingencyApp { SchedulerRuns = false };
        var api = app.Api();
        var (programId, providerId, commitmentId) = await api.Scenario();
        var shorter = await api.Enroll();
        var shortCommitment = await api.Commit(programId, Api.CommitmentBody(shorter.Id(), weeks: 4));

        (await api.Post($"/api/programs/{programId}/extend", new { weeks = 2 })).Expect(HttpStatusCode.OK);

        var commitment = (await api.Get($"/api/commitments/{commitmentId}")).Expect(HttpStatusCode.OK);
        Assert.Equal((10, "2027-05-09", 300), (commitment.Int("weeks"), commitment.Str("endsOn"), commitment.Int("totalSlots")));
        var advances = (await api.Get($"/api/providers/{providerId}/payments")).Expect(HttpStatusCode.OK)
            .EnumerateArray().Where(p => p.Str("kind") == "advance").ToList();
        Assert.Equal(10, advances.Count);
        Assert.Equal(("2027-05-03", "2027-04-30T17:00:00-07:00"), (advances[^1].Str("periodStart"), advances[^1].Str("dueAt")));
        Assert.Equal(4, (await api.Get($"/api/commitments/{shortCommitment.Id()}")).Expect(HttpStatusCode.OK).Int("weeks"));
    }

    [Fact]
    public async Task Each_program_has_one_payment_trigger_in_the_applications_own_database()
    {
        await using var app = new ContingencyApp { SchedulerRuns = false };
        var api = app.Api();
        var program = await api.CreateProgram();

        var jobs = (await api.Get("/api/jobs")).Expect(HttpStatusCode.OK);
        var job = Assert.Single(jobs.EnumerateArray(), j => j.Str("job").Contains(program.Id()));
        Assert.Equal("2027-02-05T17:00:00-08:00", job.Str("nextFireAt"));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, job.GetProperty("previousFireAt").ValueKind);
        Assert.Equal("normal", job.Str("state"));

        await using var connection = app.OpenDatabase();
        await using var query = connection.CreateCommand();
        // One trigger, armed at the program's first payment moment, firing once if it is missed.
        query.CommandText = "SELECT t.NEXT_FIRE_TIME, s.REPEAT_COUNT, t.MISFIRE_INSTR FROM QRTZ_TRIGGERS t JOIN QRTZ_SIMPLE_TRIGGERS s " +
                            "ON t.SCHED_NAME = s.SCHED_NAME AND t.TRIGGER_NAME = s.TRIGGER_NAME AND t.TRIGGER_GROUP = s.TRIGGER_GROUP WHERE t.JOB_NAME LIKE @name";
        query.With("name", $"%{program.Id()}");
        await using var reader = await query.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal(DateTimeOffset.Parse("2027-02-06T01:00:00Z").UtcTicks, reader.GetInt64(0));
        Assert.Equal(0, reader.GetInt64(1));
        Assert.Equal((int)Quartz.SimpleTriggerMisfireInstruction.FireNow, reader.GetInt32(2));
        Assert.False(await reader.ReadAsync());
    }
}
