namespace Contingency.Tests.Http;

using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Contingency.Infrastructure.Security;
using Contingency.Tests.Support;
using Xunit.Abstractions;

/// <summary>
/// Three service processes over one PostgreSQL database, clustered as operations would run them
/// (the <c>migrate</c> command first, then the nodes), on the real clock: two programs whose
/// payment moments fall a minute or two after the test starts. Payment moments fire while all
/// three run and pay once; a node killed with SIGKILL in the middle of a run is written off and
/// another node runs it again, still once; bookings sent to all three nodes for the same slots
/// have one winner per slot; a node started late fires nothing twice; the retention expiry, on a
/// 5-second schedule, runs once per moment on the cluster. On SQLite, which runs one
/// node, a clustered node refuses to start.
/// </summary>
[Collection(Alone.Name)]
public sealed class ClusterTests(ITestOutputHelper output)
{
    private const string Key = "contingency-cluster-signing-key-0123456789";
    private const int ProvidersPerProgram = 8;
    private const string SchedulerName = "contingency-cluster-test";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Three_nodes_pay_each_payment_once_through_a_killed_node_and_book_each_slot_once()
    {
        var databasePath = TempDatabase.NewPath();
        var workDir = Directory.CreateTempSubdirectory("contingency-cluster").FullName;
        if (!TestDatabase.IsPostgres)
        {
            // One node only on SQLite: asked to cluster, the service stops at start with one line and exit code 2.
            var (exit, _, error) = await ServiceProcess.RunAsync(workDir, new Dictionary<string, string>
            {
                ["ConnectionStrings__Contingency"] = TestDatabase.ConnectionString(databasePath),
                ["Scheduler__Clustered"] = "true",
                ["Auth__SigningKey"] = Key,
            });
            Assert.Equal(2, exit);
            Assert.StartsWith("contingency: Scheduler:Clustered is true, but Database:Provider 'Sqlite' runs the scheduler on one node only", error.Trim());
            Assert.Single(error.Trim().Split('\n'));
            return;
        }

        var env = new Dictionary<string, string>
        {
            ["Database__Provider"] = "Postgres",
            ["ConnectionStrings__Contingency"] = TestDatabase.ConnectionString(databasePath),
            ["Scheduler__Clustered"] = "true",
            ["Scheduler__Name"] = SchedulerName,
            ["Auth__SigningKey"] = Key,
            ["RateLimiting__Burst"] = "1000000",
            ["RateLimiting__PermitsPerSecond"] = "1000000",
            ["Logging__LogLevel__Default"] = "Warning",
            ["Logging__LogLevel__Contingency"] = "Information",
            ["Logging__LogLevel__Quartz"] = "Information",
            // The idempotency expiry every 5 seconds rather than 15 minutes, to see it run on the cluster, and
            // each firing logged with the moment it serves.
            ["Retention__ExpirySchedule"] = "0/5 * * * * ?",
            ["Logging__LogLevel__Contingency.Infrastructure.Telemetry.FireLagListener"] = "Debug",
        };
        var nodes = new Dictionary<string, RunningService>();
        try
        {
            var (migrated, migrateOut, migrateError) = await ServiceProcess.RunAsync(workDir, env, "migrate");
            Assert.True(migrated == 0, $"migrate exited with {migrated}: {migrateOut}{migrateError}");

            nodes["node-a"] = Start(workDir, env, "node-a");
            nodes["node-b"] = Start(workDir, env, "node-b");
            await Task.WhenAll(nodes.Values.Select(n => n.WaitUntilReadyAsync(Patience)));
            var a = nodes["node-a"].Client(AdminToken());
            var b = nodes["node-b"].Client(AdminToken());

            // Three programs paying on today's weekday (UTC), each at a whole minute a little ahead.
            var first = NextWholeMinute(DateTimeOffset.UtcNow.AddSeconds(60));
            var second = first.AddMinutes(1);
            var third = second.AddMinutes(1);
            var program1 = await SeedAsync(a, b, first);
            var program2 = await SeedAsync(b, a, second);
            var program3 = await SeedAsync(a, b, third);
            Assert.True(DateTimeOffset.UtcNow < first.AddSeconds(-10), "Seeding took too long for the first payment moment.");

            // The first moment fires on the two nodes: every payment due is released once, in one batch.
            await WaitForBatchesAsync(databasePath, program1, 1, first + Patience);
            await AssertPaidOnceAsync(databasePath, program1, first);

            // The late joiner comes up after a moment has fired and before the next.
            nodes["node-c"] = Start(workDir, env, "node-c");
            await nodes["node-c"].WaitUntilReadyAsync(Patience);
            var c = nodes["node-c"].Client(AdminToken());

            // Bookings for the same slots through all three nodes: one winner per slot.
            await BookEachSlotOnceAsync(program1, [a, b, c], databasePath);
            Assert.True(DateTimeOffset.UtcNow < second.AddSeconds(-5), "The late node was not up before the second payment moment.");

            // The second moment fires with all three up. Hold one of its payments, so that its run stops
            // before committing, and kill the node running it: another takes the run over and pays once.
            var (runner2, failover) = await KillTheRunnerAsync(databasePath, program2, second, nodes, afterCommit: false);
            output.WriteLine($"{runner2} was killed before its run of program 2 committed; another node's run committed {failover.TotalSeconds:F1} s after the kill");
            await AssertPaidOnceAsync(databasePath, program2, second);

            // The third: let the run commit, then hold it (arming the next moment waits for Quartz's trigger
            // lock, which the test holds) and kill its node. The job is recovered on a survivor, which runs
            // it again and finds nothing left to pay.
            Assert.True(DateTimeOffset.UtcNow < third.AddSeconds(-5), "The second moment's takeover took too long for the third.");
            var (runner3, recovery) = await KillTheRunnerAsync(databasePath, program3, third, nodes, afterCommit: true);
            output.WriteLine($"{runner3} was killed after its run of program 3 committed; the job was run again {recovery.TotalSeconds:F1} s after the kill");
            await AssertPaidOnceAsync(databasePath, program3, third);

            // Each moment was paid once and no run fired twice: program 1's moment ran on one node once,
            // the late joiner firing nothing of it; program 3's ran once and, recovered, once more with nothing due.
            await AssertPaidOnceAsync(databasePath, program1, first);
            Assert.Equal(3, await CountAsync(databasePath, """SELECT COUNT(*) FROM "PaymentBatches" """));
            var logs = string.Join("\n", nodes.Values.Select(n => n.Output));
            Assert.Equal(1, Occurrences(logs, $"of program {program1}: "));
            Assert.Equal(1, Occurrences(logs, $"Payment run of program {program3}: nothing due"));

            // The retention expiry ran on the cluster throughout, each of its moments on one node once (a
            // recovered run of a killed node aside), where every node running its own trigger would fire
            // each moment two or three times.
            var expiries = System.Text.RegularExpressions.Regex.Matches(logs,
                    @"Job retention\.expire-idempotency-records fires for (\S+) \(recovering: False\)")
                .Select(m => m.Groups[1].Value).ToList();
            output.WriteLine($"The idempotency expiry fired {expiries.Count} times, for moments from {expiries.FirstOrDefault()} to {expiries.LastOrDefault()}");
            Assert.NotEmpty(expiries);
            Assert.Empty(expiries.GroupBy(m => m).Where(g => g.Count() > 1).Select(g => g.Key));
        }
        catch
        {
            foreach (var (name, node) in nodes) output.WriteLine($"--- {name}\n{node.Output}");
            throw;
        }
        finally
        {
            foreach (var node in nodes.Values) await node.DisposeAsync();
            TestDatabase.Drop(databasePath);
        }
    }

    /// <summary>
    /// Holds one of the program's due payments so that its run, once the moment fires, stops inside its
    /// transaction; finds the node running it; and kills that node with SIGKILL, either there
    /// (<paramref name="afterCommit"/> false) or once the run has committed and waits for Quartz's
    /// trigger lock, which the test then holds. Returns the node killed and the time from the kill to
    /// the other nodes' work: the batch committed, or the recovered job's second run.
    /// </summary>
    private static async Task<(string Node, TimeSpan After)> KillTheRunnerAsync(string databasePath, string programId, DateTimeOffset moment,
        Dictionary<string, RunningService> nodes, bool afterCommit)
    {
        await using var payments = TestDatabase.Open(databasePath);
        var holdPayment = await payments.BeginTransactionAsync();
        await using (var lockRow = payments.CreateCommand())
        {
            lockRow.Transaction = holdPayment;
            lockRow.CommandText = """
                SELECT "Id" FROM "Payments" WHERE "ProgramId" = @program AND "DueAt" <= @moment ORDER BY "Id" LIMIT 1 FOR UPDATE
                """;
            lockRow.With("program", programId).With("moment", moment.UtcDateTime);
            Assert.NotNull(await lockRow.ExecuteScalarAsync());
        }
        var runner = await ExecutingNodeAsync(databasePath, programId, moment + Patience);
        Assert.Contains(runner, nodes.Keys);
        var survivorsLogBefore = nodes.Where(n => n.Key != runner).Sum(n => Occurrences(n.Value.Output, $"Payment run of program {programId}: nothing due"));

        await using var quartz = TestDatabase.Open(databasePath);
        await using var holdTriggers = await quartz.BeginTransactionAsync();
        if (afterCommit)
        {
            await using (var lockTriggers = quartz.CreateCommand())
            {
                lockTriggers.Transaction = holdTriggers;
                lockTriggers.CommandText = "SELECT lock_name FROM qrtz_locks WHERE sched_name = @name AND lock_name = 'TRIGGER_ACCESS' FOR UPDATE";
                lockTriggers.With("name", SchedulerName);
                Assert.NotNull(await lockTriggers.ExecuteScalarAsync());
            }
            await holdPayment.RollbackAsync();
            await WaitForBatchesAsync(databasePath, programId, 1, DateTimeOffset.UtcNow + Patience);
        }

        var sinceKill = Stopwatch.StartNew();
        nodes[runner].Kill();
        await holdPayment.DisposeAsync();
        await holdTriggers.RollbackAsync();
        if (!afterCommit)
        {
            await WaitForBatchesAsync(databasePath, programId, 1, DateTimeOffset.UtcNow + Patience);
            return (runner, sinceKill.Elapsed);
        }
        var deadline = DateTime.UtcNow + Patience;
        while (nodes.Where(n => n.Key != runner).Sum(n => Occurrences(n.Value.Output, $"Payment run of program {programId}: nothing due")) == survivorsLogBefore)
        {
            Assert.True(DateTime.UtcNow < deadline, $"The job of program {programId} was not run again after {runner} died.");
            await Task.Delay(250);
        }
        return (runner, sinceKill.Elapsed);
    }

    private static int Occurrences(string text, string part)
    {
        var count = 0;
        for (var at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + part.Length, StringComparison.Ordinal)) count++;
        return count;
    }

    private static RunningService Start(string workDir, Dictionary<string, string> env, string instanceId) =>
        ServiceProcess.Start(workDir, new Dictionary<string, string>(env) { ["Scheduler__InstanceId"] = instanceId });

    private static string AdminToken() =>
        Tokens.Create(Encoding.UTF8.GetBytes(Key), Authentication.DefaultIssuer, Authentication.DefaultAudience, "cluster-test",
            [Roles.Admin], null, DateTimeOffset.UtcNow, TimeSpan.FromHours(1));

    private static DateTimeOffset NextWholeMinute(DateTimeOffset instant) =>
        new DateTimeOffset(instant.Year, instant.Month, instant.Day, instant.Hour, instant.Minute, 0, TimeSpan.Zero).AddMinutes(1);

    /// <summary>
    /// A program paying at <paramref name="moment"/>'s weekday and time, and providers committed from the
    /// Monday after it: each owes a signing bonus and the first week's advance at that moment.
    /// Writes go through both nodes given.
    /// </summary>
    private static async Task<string> SeedAsync(HttpClient one, HttpClient other, DateTimeOffset moment)
    {
        var day = DateOnly.FromDateTime(moment.UtcDateTime);
        var daysToMonday = ((int)DayOfWeek.Monday - (int)day.DayOfWeek + 7) % 7;
        var monday = day.AddDays(daysToMonday == 0 ? 7 : daysToMonday).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var program = await Created(one.PostAsJsonAsync("/api/programs", Api.ProgramBody(startsOn: monday, weeks: 2, timeZone: "Etc/UTC",
            paymentWeekday: moment.DayOfWeek.ToString(), paymentTime: moment.ToString("HH:mm", CultureInfo.InvariantCulture))));
        for (var i = 0; i < ProvidersPerProgram; i++)
        {
            var node = i % 2 == 0 ? one : other;
            var provider = await Created(node.PostAsJsonAsync("/api/providers", Api.ProviderBody()));
            await Created(node.PostAsJsonAsync($"/api/programs/{program.Id()}/commitments",
                Api.CommitmentBody(provider.Id(), startsOn: monday, weeks: 1)));
        }
        return program.Id();
    }

    private static async Task<JsonElement> Created(Task<HttpResponseMessage> sending)
    {
        var response = await sending;
        var raw = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"Expected 201 but got {(int)response.StatusCode}: {raw}");
        return JsonDocument.Parse(raw).RootElement.Clone();
    }

    private static async Task BookEachSlotOnceAsync(string programId, HttpClient[] nodes, string databasePath)
    {
        var slots = JsonDocument.Parse(await nodes[0].GetStringAsync($"/api/programs/{programId}/slots")).RootElement
            .EnumerateArray().Take(12).Select(s => (Provider: s.Str("providerId"), Start: s.Str("start"))).ToList();
        Assert.Equal(12, slots.Count);
        using var gate = new SemaphoreSlim(0);
        var attempts = slots.SelectMany((slot, i) => nodes.Select(async (node, n) =>
        {
            await gate.WaitAsync();
            var response = await node.PostAsJsonAsync("/api/appointments",
                Api.BookingBody(slot.Provider, slot.Start, memberRef: $"M-{i:D3}-{n}"));
            return (Slot: i, response.StatusCode, Body: await response.Content.ReadAsStringAsync());
        })).ToList();
        gate.Release(attempts.Count);
        var results = await Task.WhenAll(attempts);
        foreach (var perSlot in results.GroupBy(r => r.Slot))
        {
            Assert.Single(perSlot, r => r.StatusCode == HttpStatusCode.Created);
            Assert.All(perSlot.Where(r => r.StatusCode != HttpStatusCode.Created), r =>
            {
                Assert.Equal(HttpStatusCode.Conflict, r.StatusCode);
                Assert.Contains("\"slot-taken\"", r.Body);
            });
        }
        Assert.Equal(slots.Count, await CountAsync(databasePath,
            """SELECT COUNT(*) FROM "Appointments" a JOIN "Commitments" c ON c."Id" = a."CommitmentId" WHERE c."ProgramId" = @program""",
            ("program", programId)));
    }

    private static async Task WaitForBatchesAsync(string databasePath, string programId, int batches, DateTimeOffset deadline)
    {
        while (await CountAsync(databasePath, """SELECT COUNT(*) FROM "PaymentBatches" WHERE "ProgramId" = @program""", ("program", programId)) < batches)
        {
            Assert.True(DateTimeOffset.UtcNow < deadline, $"No payment batch of program {programId} by {deadline:HH:mm:ss}.");
            await Task.Delay(250);
        }
    }

    /// <summary>The node (its Scheduler:InstanceId) executing the program's payment run, as Quartz records it.</summary>
    private static async Task<string> ExecutingNodeAsync(string databasePath, string programId, DateTimeOffset deadline)
    {
        while (true)
        {
            await using (var connection = TestDatabase.Open(databasePath))
            await using (var query = connection.CreateCommand())
            {
                query.CommandText = "SELECT instance_name FROM qrtz_fired_triggers WHERE job_name = @job AND state = 'EXECUTING'";
                query.With("job", $"payment-run.{programId}");
                if (await query.ExecuteScalarAsync() is string instance) return instance;
            }
            Assert.True(DateTimeOffset.UtcNow < deadline, $"Program {programId}'s payment run was not executing by {deadline:HH:mm:ss}.");
            await Task.Delay(100);
        }
    }

    /// <summary>
    /// Every payment of the program due by the moment is released, exactly once: one batch, one
    /// release row per payment pointing at that batch, and the batch's count and total are its payments'.
    /// </summary>
    private static async Task AssertPaidOnceAsync(string databasePath, string programId, DateTimeOffset moment)
    {
        await using var connection = TestDatabase.Open(databasePath);
        await using var query = connection.CreateCommand();
        query.CommandText = """
            SELECT
              (SELECT COUNT(*) FROM "PaymentBatches" WHERE "ProgramId" = @program),
              (SELECT COUNT(*) FROM "Payments" WHERE "ProgramId" = @program AND "DueAt" <= @moment),
              (SELECT COUNT(*) FROM "Payments" WHERE "ProgramId" = @program AND "DueAt" <= @moment AND "Status" = 'released'),
              (SELECT COUNT(*) FROM "PaymentReleases" r JOIN "Payments" p ON p."Id" = r."PaymentId" AND p."BatchId" = r."BatchId" WHERE p."ProgramId" = @program),
              (SELECT COUNT(*) FROM "Payments" WHERE "ProgramId" = @program AND "DueAt" > @moment AND "Status" <> 'scheduled'),
              (SELECT COUNT(*) FROM "PaymentBatches" b WHERE b."ProgramId" = @program
                 AND b."Released" = (SELECT COUNT(*) FROM "Payments" p WHERE p."BatchId" = b."Id")
                 AND b."Amount" = (SELECT SUM(p."Amount") FROM "Payments" p WHERE p."BatchId" = b."Id"))
            """;
        query.With("program", programId).With("moment", moment.UtcDateTime);
        await using var reader = await query.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        var (batches, due, released, releaseRows, notDueTouched, batchesMatching) =
            (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5));
        Assert.Equal(2L * ProvidersPerProgram, due); // a signing bonus and the first week's advance each
        Assert.Equal((1L, due, due, 0L, 1L), (batches, released, releaseRows, notDueTouched, batchesMatching));
    }

    private static async Task<long> CountAsync(string databasePath, string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = TestDatabase.Open(databasePath);
        await using var query = connection.CreateCommand();
        query.CommandText = sql;
        foreach (var (name, value) in parameters) query.With(name, value);
        return Convert.ToInt64(await query.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }
}

/// <summary>Tests that run on the real clock with other processes: alone, after the parallel ones, so the machine's load does not move their timing.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class Alone
{
    public const string Name = "alone";
}
