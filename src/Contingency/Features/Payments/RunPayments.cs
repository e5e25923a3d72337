namespace Contingency.Features.Payments;

using System.Data.Common;
using Contingency.Data;
using Contingency.Data.Calendar;
using Contingency.Data.Entities;
using Contingency.Infrastructure;
using Contingency.Infrastructure.Audit;
using Contingency.Infrastructure.Telemetry;
using Mediator;
using Microsoft.EntityFrameworkCore;

public sealed record PaymentRunView(string? BatchId, int Released, decimal Amount);

public sealed record RunPayments(string ProgramId) : ICommand<PaymentRunView>;

/// <summary>
/// Releases every scheduled payment of the program that is due into one batch, in one transaction,
/// then arms the program's trigger for its next payment moment. Run it twice, from a trigger and a
/// person at once, or from two nodes: each payment is released once, because its release is an UPDATE
/// of rows still scheduled, checked against what the batch counted, and its release row is keyed by
/// the payment. The loser of a race is rolled back, run again, and finds nothing left to release.
/// </summary>
public sealed partial class RunPaymentsHandler(
    ContingencyDb db, TimeProvider clock, PaymentTriggers triggers, ContingencyMetrics metrics, ILogger<RunPaymentsHandler> log)
    : ICommandHandler<RunPayments, PaymentRunView>
{
    public async ValueTask<PaymentRunView> Handle(RunPayments cmd, CancellationToken ct)
    {
        var program = await db.Programs.AsNoTracking().FirstOrDefaultAsync(p => p.Id == cmd.ProgramId, ct)
            ?? throw new NotFoundException("program", cmd.ProgramId);
        if (program.ClosedAt is not null)
        {
            // A closed program owes nothing (it closed once every payment was released): its run, if one
            // was armed again by a run that finished as it closed, goes now, and nothing is armed.
            await triggers.RetireAsync(program.Id, CancellationToken.None);
            throw CareProgram.Closed(program.Id);
        }
        // One span per run, whoever asked for it (a trigger, a person): the program, the batch and what it released.
        using var span = Instrumentation.Source.StartActivity("payment run");
        span?.SetTag(Instrumentation.ProgramId, program.Id);
        var started = clock.GetTimestamp();
        try
        {
            // Counted once the transaction committed: a run retried after a lost race counts once.
            var run = await db.WriteAsync(() => ReleaseDueAsync(program, ct), ct);
            var outcome = run.BatchId is null ? "nothing-due" : "released";
            span?.SetTag(Instrumentation.PaymentRunOutcome, outcome)
                .SetTag(Instrumentation.BatchId, run.BatchId)
                .SetTag(Instrumentation.PaymentsReleased, run.Released)
                .SetTag(Instrumentation.PaymentsAmount, run.Amount.ToString(System.Globalization.CultureInfo.InvariantCulture))
                .SetTag(Instrumentation.Currency, program.Currency);
            metrics.PaymentRun(clock.GetElapsedTime(started), outcome, run.Released, run.Amount, program.Currency);
            return run;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The node is stopping (or the person asking went away): the transaction was rolled back, nothing failed.
            span?.SetTag(Instrumentation.PaymentRunOutcome, "aborted");
            metrics.PaymentRun(clock.GetElapsedTime(started), "aborted", 0, 0m, program.Currency);
            throw;
        }
        catch (Exception e)
        {
            span?.SetTag(Instrumentation.PaymentRunOutcome, "failed").SetTag(Instrumentation.ErrorType, e.GetType().FullName)
                .SetStatus(System.Diagnostics.ActivityStatusCode.Error);
            metrics.PaymentRun(clock.GetElapsedTime(started), "failed", 0, 0m, program.Currency);
            throw;
        }
        finally
        {
            // Armed whether or not this run got through: the trigger that fired it is spent, and what
            // stays due is released at the next moment rather than left waiting for a restart. Not for
            // a program that closed meanwhile (the close removed its run).
            if (!await db.Programs.AsNoTracking().AnyAsync(p => p.Id == program.Id && p.ClosedAt != null, CancellationToken.None))
                await triggers.AfterCommitAsync(program, somethingDueNow: false, CancellationToken.None);
        }
    }

    /// <summary>
    /// Set-based, so a run of 20,000 payments is a handful of statements rather than 40,000 row writes:
    /// the amounts due are read, the batch is written, then one UPDATE releases every payment still
    /// scheduled and due (its status is the guard: a payment another run released is not touched), one
    /// INSERT … SELECT writes their release rows (unique per payment: the database's own refusal of a
    /// second release) and one more their audit entries. If what the UPDATE released is not exactly
    /// what the batch totals (a payment was released, cancelled, recomputed or added in between),
    /// the whole transaction goes and the run starts again.
    /// </summary>
    private async Task<PaymentRunView> ReleaseDueAsync(CareProgram program, CancellationToken ct)
    {
        var now = clock.GetUtcNow().ToWholeSecond();
        var due = db.Payments.Where(p => p.ProgramId == program.Id && p.Status == Payment.Scheduled && p.DueAt <= now);
        var amounts = await due.Select(p => p.Amount).ToListAsync(ct);
        if (amounts.Count == 0)
        {
            NothingDue(log, program.Id);
            return new PaymentRunView(null, 0, 0m);
        }

        var batch = new PaymentBatch(Ids.New(), program.Id, amounts.Count, amounts.Sum(), program.Currency, now);
        db.PaymentBatches.Add(batch);
        await db.SaveChangesAsync(ct);

        var released = await due.ExecuteUpdateAsync(p => p
            .SetProperty(x => x.Status, Payment.Released)
            .SetProperty(x => x.BatchId, batch.Id)
            .SetProperty(x => x.ReleasedAt, now)
            .SetProperty(x => x.UpdatedAt, now), ct);
        var inBatch = db.Payments.Where(p => p.BatchId == batch.Id);
        if (released != batch.Released || await inBatch.SumAsync(p => p.Amount, ct) != batch.Amount)
            throw new DbUpdateConcurrencyException("The payments due changed while the run released them.");

        // Names from EF's model, quoted by the provider; the only value, the batch id, is a parameter.
        var releaseRows = $$"""
                INSERT INTO {{db.Table<PaymentRelease>()}} ({{db.Column<PaymentRelease>(nameof(PaymentRelease.PaymentId))}},
                    {{db.Column<PaymentRelease>(nameof(PaymentRelease.BatchId))}}, {{db.Column<PaymentRelease>(nameof(PaymentRelease.ReleasedAt))}})
                SELECT {{db.Column<Payment>(nameof(Payment.Id))}}, {{db.Column<Payment>(nameof(Payment.BatchId))}}, {{db.Column<Payment>(nameof(Payment.ReleasedAt))}}
                FROM {{db.Table<Payment>()}} WHERE {{db.Column<Payment>(nameof(Payment.BatchId))}} = {0}
                """;
        try
        {
            await db.Database.ExecuteSqlRawAsync(releaseRows, [batch.Id], ct);
        }
        catch (DbException e) when (e.IsUniqueViolation())
        {
            // Another run put one of these payments into its batch first: the same lost race as a stale status.
            throw new DbUpdateConcurrencyException("A payment was released by another run.", e);
        }
        await db.RecordUpdatedAsync<Payment>(clock.GetUtcNow(), nameof(Payment.BatchId), batch.Id,
            new Dictionary<string, (object?, object?)>
            {
                [nameof(Payment.Status)] = (Payment.Scheduled, Payment.Released),
                [nameof(Payment.ReleasedAt)] = (null, now),
                [nameof(Payment.BatchId)] = (null, batch.Id),
            },
            [nameof(Payment.DueAt), nameof(Payment.Id)], ct);

        Released(log, batch.Id, program.Id, batch.Released, batch.Amount, batch.Currency);
        return new PaymentRunView(batch.Id, batch.Released, batch.Amount);
    }

    [LoggerMessage(LogLevel.Information, "Payment run of program {ProgramId}: nothing due")]
    private static partial void NothingDue(ILogger logger, string programId);

    [LoggerMessage(LogLevel.Information, "Payment batch {BatchId} of program {ProgramId}: {Released} payments, {Amount} {Currency}")]
    private static partial void Released(ILogger logger, string batchId, string programId, int released, decimal amount, string currency);
}
