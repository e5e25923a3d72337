namespace Contingency.Tests.Telemetry;

using System.Data.Common;
using System.Net.Sockets;
using Contingency.Infrastructure.Telemetry;
using Contingency.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

/// <summary>
/// How the database-backed gauges are read and reported, and how database errors are sorted. With the
/// other tests that read exported telemetry, one at a time: a scrape here would otherwise also read the
/// gauges of any other service the test process runs meanwhile (they share the meter's name).
/// </summary>
[Collection(TelemetryCollection.Name)]
public sealed class GaugeReadingTests
{
    [Fact]
    public void A_reading_is_reported_until_it_is_two_minutes_old_and_its_age_always()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2027, 3, 1, 12, 0, 0, TimeSpan.Zero));
        var gauges = new OperationsGauges(clock);
        Assert.Empty(gauges.SchedulerLag());
        Assert.Empty(gauges.Age());

        var at = clock.GetUtcNow();
        IEnumerable<(string, double)> Lag() => gauges.SchedulerLag()
            .Select(m => ((string)m.Tags.ToArray().Single(t => t.Key == Instrumentation.TriggerGroup).Value!, m.Value)).Order();
        // Every group the service schedules has its series, 0 when none of its triggers waits; another group while it has triggers.
        gauges.Record(at, [("MANUAL_TRIGGER", 5)], []);
        Assert.Equal([("MANUAL_TRIGGER", 5d), ("payments", 0d), ("retention", 0d)], Lag());
        gauges.Record(at, [("payments", 42)], [("p1", 3), ("p2", 0)]);
        clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal([("payments", 42d), ("retention", 0d)], Lag());
        Assert.Equal([3L, 0L], gauges.OverduePayments().Select(m => m.Value));
        Assert.Equal("p1", gauges.OverduePayments().First().Tags.ToArray().Single(t => t.Key == Instrumentation.ProgramId).Value);

        // Older than that, a reading would pass for the present: the series go quiet, the age says why.
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Empty(gauges.SchedulerLag());
        Assert.Empty(gauges.OverduePayments());
        Assert.Equal(121, Assert.Single(gauges.Age()).Value);
    }

    [Theory]
    [MemberData(nameof(Failures))]
    public void Database_errors_are_sorted_by_kind(Exception failure, string kind) =>
        Assert.Equal(kind, DatabaseErrorCounter.KindOf(failure));

    public static TheoryData<Exception, string> Failures() => new()
    {
        { new SqliteException("UNIQUE constraint failed: Appointments.HeldSlot", 19, 2067), "unique_violation" },
        { new SqliteException("database is locked", 5), "transient_conflict" },
        { new InvalidOperationException("wrapped", new TimeoutException("The operation has timed out.")), "timeout" },
        { new InvalidOperationException("read", new IOException("Unable to read data from the transport connection", new SocketException(104))), "connection" },
        { new OperationCanceledException(), "cancelled" },
        { new SqliteException("no such table: nope", 1), "other" },
    };

    /// <summary>A sample of the lag, with the group of its triggers or (a store with none) without.</summary>
    private const string LagSample = @"(?m)^contingency_scheduler_lag_seconds(\{[^}]*\})? \d";

    [Fact]
    public async Task A_database_that_hangs_holds_up_the_reading_never_the_scrape()
    {
        var hang = new HangingConnections();
        await using var app = new ContingencyApp { SchedulerRuns = false };
        app.Settings["Telemetry:Prometheus"] = "true";
        app.Interceptors.Add(hang);
        var http = app.CreateClient();
        var reader = app.Services.GetServices<IHostedService>().OfType<GaugeReader>().Single();
        await reader.ReadAsync(CancellationToken.None);
        var before = await http.GetStringAsync("/metrics");
        Assert.Matches(LagSample, before);

        hang.On = true;
        var reading = reader.ReadAsync(CancellationToken.None);
        // Whatever happens next, the service's own shutdown must reach its database again.
        using var release = new Disposable(() => hang.On = false);
        var scrape = await http.GetStringAsync("/metrics");
        // The reading's timeout runs on the service's clock, which the test holds still: it is still waiting.
        Assert.False(reading.IsCompleted, "the reading was still waiting for the database when the scrape answered");
        Assert.Matches(LagSample, scrape); // the last good reading stands

        app.Clock.Advance(GaugeReader.Timeout + TimeSpan.FromSeconds(1));
        await reading.WaitAsync(TimeSpan.FromSeconds(60));
        hang.On = false;
        Assert.Contains(app.Logs.Lines, l => l.Contains("gauges could not be read", StringComparison.Ordinal));
    }

    private sealed class Disposable(Action dispose) : IDisposable
    {
        public void Dispose() => dispose();
    }

    /// <summary>Holds every connection the service opens while <see cref="On"/>, until the opener gives up.</summary>
    private sealed class HangingConnections : DbConnectionInterceptor
    {
        public volatile bool On;

        public override async ValueTask<InterceptionResult> ConnectionOpeningAsync(DbConnection connection, ConnectionEventData eventData,
            InterceptionResult result, CancellationToken cancellationToken = default)
        {
            if (On) await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
            return result;
        }
    }
}
