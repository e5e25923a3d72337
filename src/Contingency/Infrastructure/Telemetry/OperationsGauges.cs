namespace Contingency.Infrastructure.Telemetry;

using System.Data.Common;
using System.Diagnostics.Metrics;
using Contingency.Data;
using Contingency.Data.Entities;
using Contingency.Data.Scheduling;
using Microsoft.EntityFrameworkCore;
using OpenTelemetry;

/// <summary>
/// The two readings an operator alerts on, taken from the database when the metrics are collected
/// (a scrape, an export): how late the scheduler is, and which payments are overdue. Read on the
/// clock, not from the scheduler's own events, so both grow while the scheduler is stopped, paused
/// or wedged, which is when they matter. A reading that fails reports nothing (the database error is
/// counted) rather than a made-up zero.
/// </summary>
public sealed partial class OperationsGauges(IServiceScopeFactory scopes, TimeProvider clock, IConfiguration config, ILogger<OperationsGauges> log)
{
    /// <summary>How long past its <c>dueAt</c> a scheduled payment counts as overdue (a run is due at that very moment).</summary>
    public static readonly TimeSpan OverdueAfter = TimeSpan.FromMinutes(15);

    // Triggers that are due and have not fired: waiting, claimed by a node, or held behind a run of the same job.
    // Quartz names its tables unquoted and stores instants as UTC ticks; the statement is the same on every provider.
    private const string OldestDue = $"""
        SELECT MIN(NEXT_FIRE_TIME) FROM {QuartzSchema.Prefix}TRIGGERS
        WHERE SCHED_NAME = @name AND TRIGGER_STATE IN ('WAITING', 'ACQUIRED', 'BLOCKED') AND NEXT_FIRE_TIME <= @now
        """;

    public IEnumerable<Measurement<double>> SchedulerLag() => Read<double>(db =>
    {
        var now = clock.GetUtcNow();
        var connection = db.Database.GetDbConnection();
        using var command = connection.CreateCommand();
        command.CommandText = OldestDue;
        Add(command, "@name", Scheduling.Name(config));
        Add(command, "@now", now.UtcTicks);
        var oldest = command.ExecuteScalar();
        var lag = oldest is null or DBNull ? 0 : Math.Max(0, (now - new DateTimeOffset(Convert.ToInt64(oldest), TimeSpan.Zero)).TotalSeconds);
        return [new Measurement<double>(lag)];
    });

    public IEnumerable<Measurement<long>> OverduePayments() => Read<long>(db =>
    {
        var cutoff = clock.GetUtcNow() - OverdueAfter;
        // Per program, so each count is a range of the (ProgramId, Status, DueAt) index, not a scan of every payment.
        return db.Programs.AsNoTracking()
            .Select(p => new { p.Id, Count = db.Payments.Count(x => x.ProgramId == p.Id && x.Status == Payment.Scheduled && x.DueAt < cutoff) })
            .ToList()
            .Select(p => new Measurement<long>(p.Count, new KeyValuePair<string, object?>(Instrumentation.ProgramId, p.Id)))
            .ToList();
    });

    private IEnumerable<Measurement<T>> Read<T>(Func<ContingencyDb, IEnumerable<Measurement<T>>> read) where T : struct
    {
        // Not traced: a scrape every few seconds would otherwise leave a trace of its queries each time.
        using var quiet = SuppressInstrumentationScope.Begin();
        try
        {
            using var scope = scopes.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<ContingencyDb>();
            db.Database.OpenConnection();
            try
            {
                return read(db);
            }
            finally
            {
                db.Database.CloseConnection();
            }
        }
        catch (Exception e) when (e is DbException or InvalidOperationException or ObjectDisposedException)
        {
            ReadingFailed(log, e);
            return [];
        }
    }

    private static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    [LoggerMessage(LogLevel.Warning, "A gauge could not be read from the database; it reports nothing this time")]
    private static partial void ReadingFailed(ILogger logger, Exception exception);
}
