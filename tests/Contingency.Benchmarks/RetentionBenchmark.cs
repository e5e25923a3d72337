namespace Contingency.Benchmarks;

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Contingency.Data;
using Contingency.Data.Entities;
using Contingency.Features.Retention;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

/// <summary>
/// Idempotency expiry under a booking load: 100,000 records two days old are removed by the expiry
/// command (run from this process, as another node of a cluster runs the job) while 32 clients book
/// through the service as fast as it answers. Every booking's time is kept; those that overlapped the
/// expiry are compared with those before it. A booking that waited for the write lock shows as a slow
/// one, so the longest booking during the expiry bounds the longest wait.
/// </summary>
public static class RetentionBenchmark
{
    private const int Records = 100_000;
    private const int Clients = 32;
    private const string Url = "http://127.0.0.1:5299";

    public static async Task RunAsync()
    {
        await Seed.EnsureAsync();
        var database = await BenchDatabase.CopyAsync("retention");
        try
        {
            var filled = Stopwatch.StartNew();
            await FillAsync(database);
            Console.WriteLine($"{BenchDatabase.Name}: {Records:N0} idempotency records two days old written in {filled.Elapsed.TotalSeconds:F1} s");

            using var service = LoadTest.Start(database, Url, "bench-retention");
            try
            {
                var http = LoadTest.Client(Url);
                await LoadTest.WaitReadyAsync(http);
                var clock = Stopwatch.StartNew();
                // Unmeasured bookings of other providers' slots first, so the figures are of a service that has warmed up.
                await DriveAsync(http, LoadTest.Attempts(firstProvider: 1, 3_000, repeatEvery: 0), "warm-up", clock, [], CancellationToken.None);
                var attempts = LoadTest.Attempts(firstProvider: 0, 30_000, repeatEvery: 0);
                var timings = new ConcurrentBag<(double StartedAt, double Ms, HttpStatusCode Status)>();
                using var stop = new CancellationTokenSource();
                var load = DriveAsync(http, attempts, "measured", clock, timings, stop.Token);

                // Five seconds of bookings alone, then the expiry, then two more seconds of bookings alone.
                await Task.Delay(TimeSpan.FromSeconds(5));
                var expiryStart = clock.Elapsed.TotalSeconds;
                var removed = await ExpireAsync(database);
                var expiryEnd = clock.Elapsed.TotalSeconds;
                await Task.Delay(TimeSpan.FromSeconds(2));
                await stop.CancelAsync();
                await load;

                var all = timings.ToList();
                var during = all.Where(t => t.StartedAt + t.Ms / 1000 >= expiryStart && t.StartedAt <= expiryEnd).ToList();
                var before = all.Where(t => t.StartedAt + t.Ms / 1000 < expiryStart).ToList();
                Console.WriteLine($"expiry: {removed:N0} records removed in {expiryEnd - expiryStart:F2} s " +
                                  $"({(Records + RetentionPolicy.DefaultBatchSize - 1) / RetentionPolicy.DefaultBatchSize} batches of {RetentionPolicy.DefaultBatchSize:N0})");
                Console.WriteLine($"bookings before the expiry: {Describe(before)}");
                Console.WriteLine($"bookings during the expiry: {Describe(during)}");
                Console.WriteLine($"answers: {string.Join(", ", all.GroupBy(t => (int)t.Status).OrderBy(g => g.Key).Select(g => $"{g.Key} x {g.Count()}"))}");
                Console.WriteLine($"records left: {await CountAsync(database)}");
            }
            finally
            {
                service.Kill(entireProcessTree: true);
                await service.WaitForExitAsync();
            }
        }
        finally
        {
            await BenchDatabase.DropCopyAsync("retention");
        }
    }

    private static string Describe(List<(double StartedAt, double Ms, HttpStatusCode Status)> timings)
    {
        if (timings.Count == 0) return "none";
        var ms = timings.Select(t => t.Ms).Order().ToArray();
        return $"{ms.Length:N0} requests, p50 {ms[ms.Length / 2]:F1} ms, p99 {ms[(int)(ms.Length * 0.99)]:F1} ms, max {ms[^1]:F1} ms";
    }

    private static async Task FillAsync(string database)
    {
        var created = DateTimeOffset.UtcNow.AddDays(-2);
        // A stored booking answer is about this long.
        var response = "{\"id\":\"01h0000000000000000000000\",\"status\":\"booked\"," + new string('x', 420) + "}";
        for (var start = 0; start < Records; start += 10_000)
        {
            await using var db = new ContingencyDb(BenchDatabase.Options(database));
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            db.IdempotencyRecords.AddRange(Enumerable.Range(start, 10_000).Select(i =>
                new IdempotencyRecord($"load-test:appointments:bench-{i:D6}", new string('a', 64), $"resource-{i}", response, created)));
            await db.SaveChangesAsync();
        }
    }

    /// <summary>The expiry's metrics, on a meter of the benchmark's own (nothing listens).</summary>
    private static readonly RetentionMetrics Metrics =
        new(new ServiceCollection().AddMetrics().BuildServiceProvider()
            .GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());

    private static async Task<int> ExpireAsync(string database)
    {
        await using var db = new ContingencyDb(BenchDatabase.Options(database));
        var handler = new ExpireIdempotencyRecordsHandler(db, TimeProvider.System,
            new RetentionPolicy(RetentionPolicy.DefaultIdempotencyHours, RetentionPolicy.DefaultMemberDataDays), Metrics, NullLogger<ExpireIdempotencyRecordsHandler>.Instance);
        return await handler.Handle(new ExpireIdempotencyRecords(), CancellationToken.None);
    }

    private static async Task<int> CountAsync(string database)
    {
        await using var db = new ContingencyDb(BenchDatabase.Options(database));
        return db.IdempotencyRecords.Count(r => r.Key.StartsWith("load-test:appointments:bench-"));
    }

    private static async Task DriveAsync(HttpClient http, List<(string ProviderId, DateTimeOffset Start)> attempts, string keys, Stopwatch clock,
        ConcurrentBag<(double, double, HttpStatusCode)> timings, CancellationToken stop)
    {
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, Clients).Select(async client =>
        {
            int i;
            while (!stop.IsCancellationRequested && (i = Interlocked.Increment(ref next)) < attempts.Count)
            {
                var (providerId, slotStart) = attempts[i];
                var started = clock.Elapsed.TotalSeconds;
                using var request = new HttpRequestMessage(HttpMethod.Post, "/api/appointments")
                {
                    Content = JsonContent.Create(new { providerId, start = slotStart, memberRef = $"R-{client}-{i}", kind = "intake", modality = "video" }),
                };
                // Keyed, as a scheduling system sends them: each booking writes its own idempotency record meanwhile.
                request.Headers.Add("Idempotency-Key", $"retention-bench-{keys}-{i}");
                using var response = await http.SendAsync(request, CancellationToken.None);
                timings.Add((started, (clock.Elapsed.TotalSeconds - started) * 1000, response.StatusCode));
            }
        }));
    }
}
