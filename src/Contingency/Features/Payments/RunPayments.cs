namespace Contingency.Features.Payments;

using Contingency.Data;
using Contingency.Data.Calendar;
using Contingency.Data.Entities;
using Contingency.Infrastructure;
using Mediator;
using Microsoft.EntityFrameworkCore;

public sealed record PaymentRunView(string? BatchId, int Released, decimal Amount);

public sealed record RunPayments(string ProgramId) : ICommand<PaymentRunView>;

/// <summary>
/// Releases every scheduled payment of the program that is due into one batch, in one transaction,
/// then arms the program's trigger for its next payment moment. Run it twice, from a trigger and a
/// person at once, or from two nodes: each payment is released once, because the release rows are
/// keyed by payment and the status is a concurrency token. The loser of a race is run again and
/// finds nothing left to release.
/// </summary>
public sealed partial class RunPaymentsHandler(ContingencyDb db, TimeProvider clock, PaymentTriggers triggers, ILogger<RunPaymentsHandler> log)
    : ICommandHandler<RunPayments, PaymentRunView>
{
    public async ValueTask<PaymentRunView> Handle(RunPayments cmd, CancellationToken ct)
    {
        var program = await db.Programs.AsNoTracking().FirstOrDefaultAsync(p => p.Id == cmd.ProgramId, ct)
            ?? throw new NotFoundException("program", cmd.ProgramId);
        try
        {
            return await db.WriteAsync(() => ReleaseDueAsync(program, ct), ct);
        }
        finally
        {
            // Armed whether or not this run got through: the trigger that fired it is spent, and what
            // stays due is released at the next moment rather than left waiting for a restart.
            await triggers.AfterCommitAsync(program, somethingDueNow: false, CancellationToken.None);
        }
    }

    private async Task<PaymentRunView> ReleaseDueAsync(CareProgram program, CancellationToken ct)
    {
        var now = clock.GetUtcNow().ToWholeSecond();
        var due = await db.Payments
            .Where(p => p.ProgramId == program.Id && p.Status == Payment.Scheduled && p.DueAt <= now)
            .OrderBy(p => p.DueAt).ThenBy(p => p.Id)
            .ToListAsync(ct);
        if (due.Count == 0) return new PaymentRunView(null, 0, 0m);

        var batch = new PaymentBatch(Ids.New(), program.Id, due, program.Currency, now);
        db.PaymentBatches.Add(batch);
        foreach (var payment in due)
        {
            payment.Release(batch.Id, now);
            db.PaymentReleases.Add(new PaymentRelease(payment.Id, batch.Id, now));
        }
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            // Another run put one of these payments into its batch first: the same lost race as a stale status.
            throw new DbUpdateConcurrencyException("A payment was released by another run.", e);
        }
        Released(log, batch.Id, program.Id, batch.Released, batch.Amount, batch.Currency);
        return new PaymentRunView(batch.Id, batch.Released, batch.Amount);
    }

    [LoggerMessage(LogLevel.Information, "Payment batch {BatchId} of program {ProgramId}: {Released} payments, {Amount} {Currency}")]
    private static partial void Released(ILogger logger, string batchId, string programId, int released, decimal amount, string currency);
}
