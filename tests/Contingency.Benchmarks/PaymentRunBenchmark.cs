namespace Contingency.Benchmarks;

using System.Data.Common;
using System.Diagnostics;
using Contingency.Features.Payments;
using Mediator;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

/// <summary>
/// A payment run that releases one week's advances (and the signing bonuses) for 10,000 commitments:
/// 20,000 payments into one batch, then the replay with nothing due. A run changes the database, so
/// each repetition starts from a fresh copy of the seeded data set; BenchmarkDotNet's iteration model
/// does not fit that, hence a plain stopwatch and the median of several repetitions. The run goes
/// through Mediator in process, as the trigger and the endpoint send it. The floor is the same
/// release in raw SQL: one batch row, one INSERT ... SELECT of the release rows, one UPDATE (the
/// service also writes an audit entry per payment, which the floor does not).
/// </summary>
public static class PaymentRunBenchmark
{
    private const int Repetitions = 5;

    public static async Task RunAsync()
    {
        await Seed.EnsureAsync();
        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_CONTINGENCY", Path.Combine(LoadTest.RepoRoot(), "src", "Contingency"));
        Console.WriteLine($"{BenchDatabase.Name}: {Repetitions} repetitions, each on a fresh copy of the data set");
        var ours = new List<(double Run, double Replay, int Released)>();
        var floor = new List<(double Run, double Replay, int Released)>();
        for (var i = 0; i < Repetitions; i++)
        {
            ours.Add(await OursAsync(await BenchDatabase.CopyAsync("pay-ours")));
            floor.Add(await FloorAsync(await BenchDatabase.CopyAsync("pay-floor")));
        }
        await BenchDatabase.DropCopyAsync("pay-ours");
        await BenchDatabase.DropCopyAsync("pay-floor");
        Report("service", ours);
        Report("floor  ", floor);
        Console.WriteLine($"ratio:   run {Median(ours, x => x.Run) / Median(floor, x => x.Run):F1}x, replay {Median(ours, x => x.Replay) / Median(floor, x => x.Replay):F1}x");
    }

    private static void Report(string who, List<(double Run, double Replay, int Released)> results) =>
        Console.WriteLine($"{who}: run {Median(results, x => x.Run):F0} ms releasing {results[0].Released} payments " +
                          $"(all: {string.Join(", ", results.Select(r => r.Run.ToString("F0")))}), " +
                          $"replay {Median(results, x => x.Replay):F1} ms (all: {string.Join(", ", results.Select(r => r.Replay.ToString("F1")))})");

    private static double Median<T>(List<T> values, Func<T, double> of)
    {
        var sorted = values.Select(of).Order().ToList();
        return sorted[sorted.Count / 2];
    }


    private static async Task<(double, double, int)> OursAsync(string database)
    {
        await using var app = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            foreach (var (key, value) in BenchDatabase.ServiceSettings(database)) b.UseSetting(key, value);
            b.UseSetting("Scheduler:AutoStart", "false");
            // A key of its own, so the service writes none beside its content root.
            b.UseSetting("Auth:SigningKey", "contingency-benchmark-signing-key-0123456789");
            b.ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Warning));
            b.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(new FakeTimeProvider(Seed.FirstPaymentMoment)));
        });
        await using var scope = app.Services.CreateAsyncScope();
        var sender = scope.ServiceProvider.GetRequiredService<ISender>();

        var clock = Stopwatch.StartNew();
        var run = await sender.Send(new RunPayments(Seed.ProgramId));
        var runMs = clock.Elapsed.TotalMilliseconds;
        clock.Restart();
        var replay = await sender.Send(new RunPayments(Seed.ProgramId));
        var replayMs = clock.Elapsed.TotalMilliseconds;
        if (replay.Released != 0) throw new InvalidOperationException("The replay released payments.");
        return (runMs, replayMs, run.Released);
    }

    private static async Task<(double, double, int)> FloorAsync(string database)
    {
        await using var connection = await BenchDatabase.OpenAsync(database);
        // An instant as the schema stores it: UTC ticks on SQLite, a UTC timestamptz on PostgreSQL.
        object now = BenchDatabase.IsPostgres ? Seed.FirstPaymentMoment.UtcDateTime : Seed.FirstPaymentMoment.UtcTicks;

        var clock = Stopwatch.StartNew();
        int released;
        await using (var tx = await connection.BeginTransactionAsync())
        {
            await using var cmd = connection.CreateCommand();
            cmd.Transaction = tx;
            With(cmd, "program", Seed.ProgramId);
            With(cmd, "batch", "floor-batch");
            With(cmd, "now", now);
            cmd.CommandText = """
                INSERT INTO "PaymentBatches" ("Id", "ProgramId", "Released", "Amount", "Currency", "CreatedAt")
                SELECT @batch, @program, COUNT(*), SUM("Amount"), 'USD', @now FROM "Payments"
                WHERE "ProgramId" = @program AND "Status" = 'scheduled' AND "DueAt" <= @now;
                INSERT INTO "PaymentReleases" ("PaymentId", "BatchId", "ReleasedAt")
                SELECT "Id", @batch, @now FROM "Payments" WHERE "ProgramId" = @program AND "Status" = 'scheduled' AND "DueAt" <= @now;
                """;
            await cmd.ExecuteNonQueryAsync();
            cmd.CommandText = """
                UPDATE "Payments" SET "Status" = 'released', "BatchId" = @batch, "ReleasedAt" = @now, "UpdatedAt" = @now
                WHERE "ProgramId" = @program AND "Status" = 'scheduled' AND "DueAt" <= @now;
                """;
            released = await cmd.ExecuteNonQueryAsync();
            await tx.CommitAsync();
        }
        var runMs = clock.Elapsed.TotalMilliseconds;

        clock.Restart();
        await using (var replay = connection.CreateCommand())
        {
            replay.CommandText = """SELECT "Id" FROM "Payments" WHERE "ProgramId" = @program AND "Status" = 'scheduled' AND "DueAt" <= @now""";
            With(replay, "program", Seed.ProgramId);
            With(replay, "now", now);
            await using var reader = await replay.ExecuteReaderAsync();
            while (await reader.ReadAsync()) { }
        }
        return (runMs, clock.Elapsed.TotalMilliseconds, released);
    }

    private static void With(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
