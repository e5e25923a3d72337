namespace Contingency.Infrastructure.Telemetry;

using System.Data.Common;
using System.Diagnostics.Metrics;
using Contingency.Data;
using Contingency.Data.Entities;
using Contingency.Data.Scheduling;
using Microsoft.EntityFrameworkCore;
using OpenTelemetry;

/// <summary>
/// The readings an operator alerts on, taken from the shared database: how late the scheduler is,
/// which payments are overdue, and which retention job's last run failed. Read on the clock, not from the
/// scheduler's own events, so the first two grow while the scheduler is stopped, paused or wedged, which
/// is when they matter, and the third holds from a failed run until a run completes, across restarts. Read in the
/// background every <see cref="Period"/> (<see cref="GaugeReader"/>), never in a scrape: a database
/// that hangs must not make /metrics hang with it. A reading older than <see cref="Stale"/> is not
/// reported (its series goes quiet) rather than shown as current.
/// </summary>
public sealed class OperationsGauges(TimeProvider clock)
{
    /// <summary>How long past its <c>dueAt</c> a scheduled payment counts as overdue (a run is due at that very moment).</summary>
    public static readonly TimeSpan OverdueAfter = TimeSpan.FromMinutes(15);

    public static readonly TimeSpan Period = TimeSpan.FromSeconds(15);

    public static readonly TimeSpan Stale = TimeSpan.FromMinutes(2);

    private sealed record Reading(DateTimeOffset At, IReadOnlyList<(string Group, double Seconds)> Lag, IReadOnlyList<(string ProgramId, long Overdue)> Overdue,
        IReadOnlyList<string> FailedJobs);

    private volatile Reading? last;

    /// <summary>Keeps the newest reading: one that began earlier and finished later (a slow database) does not replace it.</summary>
    public void Record(DateTimeOffset at, IReadOnlyList<(string Group, double Seconds)> lag, IReadOnlyList<(string ProgramId, long Overdue)> overdue,
        IReadOnlyList<string>? failedJobs = null)
    {
        if (last is { } newer && newer.At > at) return;
        last = new Reading(at, lag, overdue, failedJobs ?? []);
    }

    private Reading? Current => last is { } reading && clock.GetUtcNow() - reading.At <= Stale ? reading : null;

    /// <summary>
    /// Per trigger group: how late its oldest due trigger is, 0 when none waits. The service's own groups
    /// (payments, retention) always have a series, with or without triggers, so the set of series does
    /// not change from one reading to the next; another group (Quartz's for a run asked for at once)
    /// has one while it has triggers.
    /// </summary>
    public IEnumerable<Measurement<double>> SchedulerLag() =>
        Current is not { } r ? []
        : Scheduling.TriggerGroups.Where(g => r.Lag.All(l => l.Group != g)).Select(g => (Group: g, Seconds: 0d)).Concat(r.Lag)
            .Select(g => new Measurement<double>(g.Seconds, new KeyValuePair<string, object?>(Instrumentation.TriggerGroup, g.Group)));

    public IEnumerable<Measurement<long>> OverduePayments() =>
        Current is { } r
            ? r.Overdue.Select(p => new Measurement<long>(p.Overdue, new KeyValuePair<string, object?>(Instrumentation.ProgramId, p.ProgramId)))
            : [];

    /// <summary>
    /// Per retention job, 1 while its last recorded run failed and 0 otherwise (every job always has its
    /// series): it stays 1 until a run completes, across restarts, as the policy stays unkept till then.
    /// </summary>
    public IEnumerable<Measurement<long>> RetentionFailing() =>
        Current is { } r
            ? Features.Retention.RetentionMetrics.Jobs.Select(job => new Measurement<long>(r.FailedJobs.Contains(job) ? 1 : 0,
                new KeyValuePair<string, object?>(Instrumentation.RetentionJob, job)))
            : [];

    /// <summary>Seconds since the last reading that succeeded; none before the first.</summary>
    public IEnumerable<Measurement<double>> Age() => last is { } r ? [new Measurement<double>(Math.Max(0, (clock.GetUtcNow() - r.At).TotalSeconds))] : [];
}

/// <summary>Takes the readings of <see cref="OperationsGauges"/>: at start, then every period, each with a short timeout.</summary>
public sealed partial class GaugeReader(
    IServiceScopeFactory scopes, OperationsGauges gauges, ContingencyMetrics metrics, TimeProvider clock, IConfiguration config, ILogger<GaugeReader> log)
    : BackgroundService
{
    /// <summary>How long one reading may take before it is given up (it then reports nothing new).</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    // Triggers that are due and have not fired: waiting, claimed by a node, held behind a run of the same
    // job, or left in error (a job that cannot be loaded never fires). Paused ones are an operator's choice.
    // Quartz names its tables unquoted and stores instants as UTC ticks; the statement is the same on every provider.
    private const string OldestDue = $"""
        SELECT TRIGGER_GROUP,
            MIN(CASE WHEN TRIGGER_STATE IN ('WAITING', 'ACQUIRED', 'BLOCKED', 'ERROR') AND NEXT_FIRE_TIME <= @now THEN NEXT_FIRE_TIME END)
        FROM {QuartzSchema.Prefix}TRIGGERS WHERE SCHED_NAME = @name GROUP BY TRIGGER_GROUP
        """;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            await ReadAsync(stoppingToken);
            try
            {
                await Task.Delay(OperationsGauges.Period, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>One reading; a failure is logged and counted, and the last good reading stands until it is stale.</summary>
    public async Task ReadAsync(CancellationToken ct)
    {
        // Not traced: a reading every 15 s on every node would bury the traces people look for.
        using var quiet = SuppressInstrumentationScope.Begin();
        // On the service's clock, like everything else it times.
        using var expiry = new CancellationTokenSource(Timeout, clock);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct, expiry.Token);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ContingencyDb>();
            await db.Database.OpenConnectionAsync(timeout.Token);
            var now = clock.GetUtcNow();
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText = OldestDue;
            command.CommandTimeout = (int)Timeout.TotalSeconds;
            Add(command, "@name", Scheduling.Name(config));
            Add(command, "@now", now.UtcTicks);
            var lag = new List<(string Group, double Seconds)>();
            try
            {
                await using var rows = await command.ExecuteReaderAsync(timeout.Token);
                while (await rows.ReadAsync(timeout.Token))
                {
                    var seconds = rows.IsDBNull(1) ? 0 : Math.Max(0, (now - new DateTimeOffset(Convert.ToInt64(rows.GetValue(1)), TimeSpan.Zero)).TotalSeconds);
                    lag.Add((rows.GetString(0), seconds));
                }
            }
            catch (DbException e)
            {
                // A statement of its own, outside EF's interceptors (which count the rest): counted here.
                metrics.DatabaseError(DatabaseErrorCounter.KindOf(e));
                throw;
            }

            var cutoff = now - OperationsGauges.OverdueAfter;
            // Per program, so each count is a range of the (ProgramId, Status, DueAt) index, not a scan of every payment.
            var overdue = await db.Programs.AsNoTracking()
                .Select(p => new { p.Id, Count = db.Payments.Count(x => x.ProgramId == p.Id && x.Status == Payment.Scheduled && x.DueAt < cutoff) })
                .ToListAsync(timeout.Token);
            var failed = await db.RetentionRuns.AsNoTracking().Where(r => r.Outcome == RetentionRun.Failed).Select(r => r.Job).ToListAsync(timeout.Token);
            gauges.Record(now, lag, overdue.Select(p => (p.Id, (long)p.Count)).ToList(), failed);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            // Whatever went wrong, the node goes on: a metrics reading never stops the service.
            if (e is OperationCanceledException) metrics.DatabaseError("timeout");
            ReadingFailed(log, WithheldMessageException.Of(e));
        }
    }

    private static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    [LoggerMessage(LogLevel.Warning, "The scheduler-lag, overdue-payment and retention gauges could not be read from the database; the last reading stands until it is 2 minutes old")]
    private static partial void ReadingFailed(ILogger logger, Exception exception);
}
