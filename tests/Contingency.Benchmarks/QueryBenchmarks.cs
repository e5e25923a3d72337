namespace Contingency.Benchmarks;

using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Contingency.Features.Capacity;
using Contingency.Features.Slots;
using Mediator;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

/// <summary>
/// The read paths planners and schedulers use, sent through Mediator exactly as the endpoints send
/// them, each beside its floor: the same reads in hand-written SQL through Microsoft.Data.Sqlite.
/// </summary>
[InProcess]
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class QueryBenchmarks
{
    private WebApplicationFactory<Program> app = null!;
    private IServiceScope scope = null!;
    private ISender sender = null!;
    private SqliteConnection raw = null!;

    [GlobalSetup]
    public void Setup()
    {
        Seed.EnsureAsync().GetAwaiter().GetResult();
        // The in-process host looks for the service's content root; name it outright.
        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_CONTINGENCY", Path.Combine(LoadTest.RepoRoot(), "src", "Contingency"));
        app = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseSetting("ConnectionStrings:Contingency", $"Data Source={BenchDatabase.SqliteFile}");
            b.ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        });
        scope = app.Services.CreateScope();
        sender = scope.ServiceProvider.GetRequiredService<ISender>();
        raw = new SqliteConnection($"Data Source={BenchDatabase.SqliteFile}");
        raw.Open();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        raw.Dispose();
        scope.Dispose();
        app.Dispose();
    }

    [Benchmark, BenchmarkCategory("capacity by week")]
    public async Task<object> Capacity() => await sender.Send(new GetCapacity(Seed.ProgramId, "week", null, null));

    [Benchmark(Baseline = true), BenchmarkCategory("capacity by week")]
    public int CapacityFloor()
    {
        using var cmd = raw.CreateCommand();
        cmd.CommandText = """
            SELECT LocalDate, Region, Kind, TimelyAccessMet, COUNT(*) FROM Appointments
            WHERE ProgramId = $program AND HeldSlot IS NOT NULL GROUP BY Region, LicenseType, LocalDate, Kind, TimelyAccessMet
            """;
        cmd.Parameters.AddWithValue("$program", Seed.ProgramId);
        return Drain(cmd);
    }

    [Benchmark, BenchmarkCategory("free slots")]
    public async Task<object> FreeSlots() => await sender.Send(new FreeSlots(Seed.ProgramId,
        new DateOnly(2027, 3, 15), new DateOnly(2027, 3, 28), "Sacramento", null, "es", null, 50));

    [Benchmark(Baseline = true), BenchmarkCategory("free slots")]
    public int FreeSlotsFloor()
    {
        using var commitments = raw.CreateCommand();
        commitments.CommandText = """
            SELECT c.ProviderId, c.SlotsPerDay, c.WeekdayMask, c.FirstSlotAt, c.StartsOn, c.EndsOn, c.ExcludedDates
            FROM Commitments c JOIN Providers p ON p.Id = c.ProviderId
            WHERE c.ProgramId = $program AND c.StartsOn <= '2027-03-28' AND c.EndsOn >= '2027-03-15'
              AND p.Region = 'Sacramento' AND EXISTS (SELECT 1 FROM json_each(p.Languages) WHERE value = 'es')
            """;
        commitments.Parameters.AddWithValue("$program", Seed.ProgramId);
        var ids = new List<string>();
        using (var reader = commitments.ExecuteReader())
            while (reader.Read()) ids.Add(reader.GetString(0));
        using var held = raw.CreateCommand();
        held.CommandText = $"""
            SELECT ProviderId, HeldSlot FROM Appointments
            WHERE HeldSlot >= $from AND HeldSlot <= $to AND ProviderId IN ({string.Join(",", ids.Select((_, i) => $"$p{i}"))})
            """;
        held.Parameters.AddWithValue("$from", new DateTimeOffset(2027, 3, 15, 16, 0, 0, TimeSpan.Zero).UtcTicks);
        held.Parameters.AddWithValue("$to", new DateTimeOffset(2027, 3, 15, 21, 0, 0, TimeSpan.Zero).UtcTicks);
        for (var i = 0; i < ids.Count; i++) held.Parameters.AddWithValue($"$p{i}", ids[i]);
        return Drain(held);
    }

    [Benchmark, BenchmarkCategory("provider slots, 8 weeks")]
    public async Task<object> ProviderSlots() =>
        await sender.Send(new ProviderSlots(Seed.ProviderId(4242), Seed.ProgramStart, Seed.ProgramStart.AddDays(55)));

    [Benchmark(Baseline = true), BenchmarkCategory("provider slots, 8 weeks")]
    public int ProviderSlotsFloor()
    {
        using var cmd = raw.CreateCommand();
        cmd.CommandText = """
            SELECT c.Id, c.SlotsPerDay, c.WeekdayMask, c.FirstSlotAt, c.StartsOn, c.EndsOn, c.ExcludedDates, p.TimeZone, p.Holidays
            FROM Commitments c JOIN Programs p ON p.Id = c.ProgramId WHERE c.ProviderId = $provider;
            SELECT HeldSlot FROM Appointments WHERE ProviderId = $provider AND HeldSlot >= $from AND HeldSlot <= $to;
            """;
        cmd.Parameters.AddWithValue("$provider", Seed.ProviderId(4242));
        cmd.Parameters.AddWithValue("$from", new DateTimeOffset(2027, 3, 1, 0, 0, 0, TimeSpan.Zero).UtcTicks);
        cmd.Parameters.AddWithValue("$to", new DateTimeOffset(2027, 4, 27, 0, 0, 0, TimeSpan.Zero).UtcTicks);
        return Drain(cmd);
    }

    private static int Drain(SqliteCommand cmd)
    {
        var rows = 0;
        using var reader = cmd.ExecuteReader();
        do
        {
            while (reader.Read()) rows++;
        } while (reader.NextResult());
        return rows;
    }
}
