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
    ILogger<ExpireIdempotencyRecordsHandler> log) : ICommandHandler<ExpireIdempotencyRecords, int>
{
    public async ValueTask<int> Handle(ExpireIdempotencyRecords cmd, CancellationToken ct)
    {
        var started = clock.GetUtcNow();
        var cutoff = started - policy.IdempotencyWindow;
        var total = 0;
        try
        {
            int deleted;
            do
            {
                deleted = await db.IdempotencyRecords.Where(r => r.CreatedAt <= cutoff).OrderBy(r => r.CreatedAt).Take(policy.BatchSize).ExecuteDeleteAsync(ct);
                total += deleted;
            }
            while (deleted == policy.BatchSize);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            await RetentionRunLog.RecordAsync(db, ExpireIdempotencyRecords.Job, started, clock.GetUtcNow(), RetentionRun.Failed, total,
                $"{RetentionRunLog.Failure(e)} after removing {total} records", log);
            throw;
        }
        Expired(log, total, policy.IdempotencyHours);
        await RetentionRunLog.RecordAsync(db, ExpireIdempotencyRecords.Job, started, clock.GetUtcNow(), RetentionRun.Completed, total,
            $"{total} idempotency records older than {policy.IdempotencyHours} h removed", log);
        return total;
    }

    [LoggerMessage(LogLevel.Information, "Idempotency records expired: {Count} older than {Hours} h removed")]
    private static partial void Expired(ILogger logger, int count, int hours);
}
