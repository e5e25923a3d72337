namespace Contingency.Features.Retention;

using Contingency.Data;
using Contingency.Data.Entities;
using Mediator;
using Microsoft.EntityFrameworkCore;

/// <summary>Removes the idempotency records older than the window (they no longer answer anything); answers how many.</summary>
public sealed record ExpireIdempotencyRecords : ICommand<int>
{
    public const string Job = "expire-idempotency-records";
}

/// <summary>
/// In batches of <c>Retention:BatchSize</c> (1,000), each one statement and its own transaction, so the
/// database's write lock is held for one batch at a time and bookings go on between batches. Oldest
/// first, along the index on CreatedAt, so a batch reads the rows it removes and no others.
/// Idempotent: a second run, or a run after a crash, finds only what is left.
/// </summary>
public sealed partial class ExpireIdempotencyRecordsHandler(ContingencyDb db, TimeProvider clock, RetentionPolicy policy,
    RetentionMetrics metrics, ILogger<ExpireIdempotencyRecordsHandler> log) : ICommandHandler<ExpireIdempotencyRecords, int>
{
    /// <summary>Real time, not the service's clock: a pause for the database's other writers, not a moment of the policy.</summary>
    public static readonly TimeSpan BatchPause = TimeSpan.FromMilliseconds(10);

    public async ValueTask<int> Handle(ExpireIdempotencyRecords cmd, CancellationToken ct)
    {
        var started = clock.GetUtcNow();
        var cutoff = started - policy.IdempotencyWindow;
        var total = 0;
        try
        {
            while (true)
            {
                var deleted = await db.IdempotencyRecords.Where(r => r.CreatedAt <= cutoff).OrderBy(r => r.CreatedAt).Take(policy.BatchSize).ExecuteDeleteAsync(ct);
                total += deleted;
                if (deleted < policy.BatchSize) break;
                // A breath between batches: a booking waiting for the write lock gets it before the next batch does.
                await Task.Delay(BatchPause, ct);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            await RetentionRunLog.RecordAsync(db, metrics, ExpireIdempotencyRecords.Job, started, clock.GetUtcNow(), RetentionRun.Failed, total,
                $"{RetentionRunLog.Failure(e)} after removing {total} records", log);
            throw;
        }
        Expired(log, total, policy.IdempotencyHours);
        await RetentionRunLog.RecordAsync(db, metrics, ExpireIdempotencyRecords.Job, started, clock.GetUtcNow(), RetentionRun.Completed, total,
            $"{total} idempotency records older than {policy.IdempotencyHours} h removed", log);
        return total;
    }

    [LoggerMessage(LogLevel.Information, "Idempotency records expired: {Count} older than {Hours} h removed")]
    private static partial void Expired(ILogger logger, int count, int hours);
}
