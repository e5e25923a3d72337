namespace Contingency.Tests.Http;

using System.Net;
using Contingency.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

/// <summary>
/// Quartz for real: the persistent job store in the test's database, the service's own job and
/// command, with Quartz reading the test's clock (it takes the container's TimeProvider), so a
/// payment moment arrives when the test moves time past it.
/// </summary>
public sealed class SchedulerTests
{
    private static readonly DateTimeOffset FirstPaymentMoment = DateTimeOffset.Parse("2027-02-26T17:00:00-08:00");
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    /// <summary>What the database holds, read straight from it: batches, release rows, released payments and their sum.</summary>
    private static async Task<(long Batches, long Releases, long Released, long BatchedCount)> Ledger(string path)
    {
        await using var connection = TestDatabase.Open(path);
        await using var query = connection.CreateCommand();
        query.CommandText = """
            SELECT (SELECT COUNT(*) FROM "PaymentBatches"),
                   (SELECT COUNT(*) FROM "PaymentReleases"),
                   (SELECT COUNT(*) FROM "Payments" WHERE "Status" = 'released'),
                   (SELECT COALESCE(SUM("Released"), 0) FROM "PaymentBatches")
            """;
        await using var reader = await query.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3));
    }

    private static async Task<(long Batches, long Releases, long Released, long BatchedCount)> WaitForRelease(string path, long expected)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var ledger = await Ledger(path);
            if (ledger.Released >= expected || DateTime.UtcNow > deadline) return ledger;
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task The_trigger_fires_at_the_payment_moment_and_releases_what_is_due()
    {
        await using var app = new ContingencyApp();
        var api = app.Api();
        var (programId, _, _) = await api.Scenario();
        Assert.Equal((0, 0, 0, 0), await Ledger(app.DatabasePath));

        app.Clock.SetUtcNow(FirstPaymentMoment);

        Assert.Equal((1, 2, 2, 2), await WaitForRelease(app.DatabasePath, 2));
        // The run arms the next moment as it ends, just after its release commits: until then the
        // program has no armed trigger and no row in the list.
        (string?, string?) times = default;
        Assert.True(await Eventually.True(async () =>
        {
            var jobs = (await api.Get("/api/jobs")).Expect(HttpStatusCode.OK).EnumerateArray().Where(j => j.Str("job").Contains(programId)).ToList();
            times = jobs.Count == 1 ? (jobs[0].Str("previousFireAt"), jobs[0].Str("nextFireAt")) : default;
            return times == ("2027-02-26T17:00:00-08:00", "2027-03-05T17:00:00-08:00");
        }), $"The next payment moment was not armed: {times}");
    }

    [Fact]
    public async Task A_commitment_made_after_its_first_payment_moment_is_paid_without_waiting_a_week()
    {
        // Friday evening: the Feb 26 moment has passed before the program exists, so its trigger's
        // first firing is Mar 5 and only the commit's own request for a run can pay now.
        await using var app = ContingencyApp.Over(TempDatabase.NewPath(), new FakeTimeProvider(FirstPaymentMoment.AddHours(1)));
        var api = app.Api();
        var program = await api.CreateProgram();
        var provider = await api.Enroll();

        await api.Commit(program.Id(), Api.CommitmentBody(provider.Id()));

        Assert.Equal((1, 2, 2, 2), await WaitForRelease(app.DatabasePath, 2));
    }

    [Fact]
    public async Task Moments_missed_while_the_service_was_down_fire_once_on_start()
    {
        var path = TempDatabase.NewPath();
        await using (var before = ContingencyApp.Over(path))
            await before.Api().Scenario();

        // Down across two payment moments (Feb 26 and Mar 5): on start, one run releases all that is due.
        var afterwards = new FakeTimeProvider(DateTimeOffset.Parse("2027-03-06T10:00:00-08:00"));
        await using var after = ContingencyApp.Over(path, afterwards);
        var api = after.Api();

        Assert.Equal((1, 3, 3, 3), await WaitForRelease(path, 3));
        string? next = null;
        Assert.True(await Eventually.True(async () =>
        {
            var jobs = (await api.Get("/api/jobs")).Expect(HttpStatusCode.OK).EnumerateArray().ToList();
            next = jobs.Count == 1 ? jobs[0].Str("nextFireAt") : null;
            return next == "2027-03-12T17:00:00-08:00";
        }), $"The next payment moment was not armed: {next}");

        // No burst of catch-up runs: a while after the run armed the next moment (its last act), it is still
        // the only run of the program. A second one would have found nothing due and said so.
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal((1, 3, 3, 3), await Ledger(path));
        var programId = Assert.Single((await api.Get("/api/programs")).Expect(HttpStatusCode.OK).EnumerateArray()).Id();
        Assert.Single(after.Logs.Lines, l => l.Contains($"of program {programId}: ", StringComparison.Ordinal)
            && (l.Contains("nothing due", StringComparison.Ordinal) || l.Contains("Payment batch", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_run_in_flight_when_the_host_stops_finishes_whole()
    {
        var faults = new PaymentRunFaults { HoldBeforeCommit = TimeSpan.FromSeconds(2) };
        // Over a database it does not own: the ledger is read after the host has stopped.
        var app = ContingencyApp.Over(TempDatabase.NewPath());
        app.Interceptors.Add(faults);
        await app.Api().Scenario();

        app.Clock.SetUtcNow(FirstPaymentMoment.AddSeconds(1));
        await faults.Reached.Task.WaitAsync(Patience);
        await app.DisposeAsync(); // stops the host while the run waits to commit

        var ledger = await Ledger(app.DatabasePath);
        // Whole, one way or the other: a batch with both payments, or nothing at all.
        Assert.True(ledger == (1, 2, 2, 2) || ledger == (0, 0, 0, 0), $"half-done: {ledger}");
        Assert.Equal((1, 2, 2, 2), ledger); // and since the host waits for running jobs, it finished
    }

    [Fact]
    public async Task A_clustered_node_checks_in_under_its_own_id_and_fires_the_payment_moment_and_sqlite_refuses_to_cluster()
    {
        if (!TestDatabase.IsPostgres)
        {
            // SQLite runs the scheduler on one node: asking it to cluster stops the service at start, in one line.
            var sqlite = Microsoft.Extensions.Configuration.MemoryConfigurationBuilderExtensions.AddInMemoryCollection(new Microsoft.Extensions.Configuration.ConfigurationBuilder(),
                new Dictionary<string, string?> { ["Database:Provider"] = "Sqlite", ["Scheduler:Clustered"] = "true" }).Build();
            Assert.StartsWith("Scheduler:Clustered is true, but Database:Provider 'Sqlite' runs the scheduler on one node only",
                Contingency.Infrastructure.Scheduling.ConfigurationProblem(sqlite));
            return;
        }
        await using var app = new ContingencyApp();
        app.Settings["Scheduler:Clustered"] = "true";
        var api = app.Api();
        var (programId, _, _) = await api.Scenario();

        var scheduler = await app.Services.GetRequiredService<Quartz.ISchedulerFactory>().GetScheduler();
        var metadata = await scheduler.GetMetadata();
        Assert.True(metadata.JobStoreClustered);
        Assert.NotEqual(Quartz.QuartzSchedulerOptions.DefaultInstanceId, metadata.SchedulerInstanceId);
        // The first check-in is the scheduler's own doing, in the background, soon after it starts.
        Assert.True(await Eventually.True(async () =>
        {
            await using var connection = app.OpenDatabase();
            await using var query = connection.CreateCommand();
            query.CommandText = "SELECT INSTANCE_NAME FROM QRTZ_SCHEDULER_STATE WHERE SCHED_NAME = @name";
            query.With("name", metadata.SchedulerName);
            return await query.ExecuteScalarAsync() is string instance && instance == metadata.SchedulerInstanceId;
        }), "The node never checked in under its own id.");

        app.Clock.SetUtcNow(FirstPaymentMoment);
        Assert.Equal((1, 2, 2, 2), await WaitForRelease(app.DatabasePath, 2));
        // The run arms the next moment as it ends, just after its release commits.
        string? next = null;
        Assert.True(await Eventually.True(async () =>
        {
            var jobs = (await api.Get("/api/jobs")).Expect(HttpStatusCode.OK).EnumerateArray().Where(j => j.Str("job").Contains(programId)).ToList();
            next = jobs.Count == 1 ? jobs[0].Str("nextFireAt") : null;
            return next == "2027-03-05T17:00:00-08:00";
        }), $"The next payment moment was not armed: {next}");
    }
}
