namespace Contingency.Features.Retention;

using Contingency.Data;
using Contingency.Data.Entities;
using Contingency.Infrastructure;
using Contingency.Infrastructure.Security;

/// <summary>
/// Writes a retention job's last run (<see cref="RetentionRun"/>), for <c>GET /api/retention</c>, and for
/// a run that removed or changed something an audit entry (entity <c>retention-job</c>, the job's name)
/// saying what, by <c>system</c>: the records an expiry removes have no audit entries of their own.
/// </summary>
public static partial class RetentionRunLog
{
    /// <summary>
    /// After the run's own writes, in a transaction of its own: a run that did its work and then failed
    /// to say so has still done it (and the next run finds nothing left). Never fails the run.
    /// </summary>
    public static async Task RecordAsync(ContingencyDb db, RetentionMetrics metrics, string job, DateTimeOffset startedAt, DateTimeOffset finishedAt,
        string outcome, int affected, string detail, ILogger log)
    {
        metrics.Run(job, outcome, affected);
        try
        {
            db.ChangeTracker.Clear();
            var run = await db.RetentionRuns.FindAsync([job], CancellationToken.None);
            if (run is null) db.RetentionRuns.Add(run = new RetentionRun(job));
            run.Record(startedAt, finishedAt, outcome, affected, detail);
            if (outcome == RetentionRun.Completed && affected > 0)
                db.AuditEntries.Add(new AuditEntry(finishedAt, Caller.System, job, AuditedEntity, job, detail));
            await db.SaveChangesAsync(CancellationToken.None);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            NotRecorded(log, e, job, outcome);
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }

    public const string AuditedEntity = "retention-job";

    /// <summary>A failure's kind, never its message (it could quote data).</summary>
    public static string Failure(Exception e) => $"failed: {e.GetType().Name}";

    [LoggerMessage(LogLevel.Warning, "The last run of retention job {Job} ({Outcome}) could not be recorded")]
    private static partial void NotRecorded(ILogger logger, Exception exception, string job, string outcome);
}
