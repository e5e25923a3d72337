namespace Contingency.Tests.Support;

using System.Data.Common;
using Contingency.Data.Entities;
using Microsoft.EntityFrameworkCore.Diagnostics;

/// <summary>
/// Stands between a payment run's writes and its commit: the batch and releases are written, the
/// transaction is about to commit. Armed, it either fails there (a crash between the steps) or
/// holds the commit for a while (a run in flight when the host stops).
/// </summary>
public sealed class PaymentRunFaults : DbTransactionInterceptor
{
    public bool FailBeforeCommit { get; set; }
    public TimeSpan HoldBeforeCommit { get; set; }
    public TaskCompletionSource Reached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override async ValueTask<InterceptionResult> TransactionCommittingAsync(DbTransaction transaction,
        TransactionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context?.ChangeTracker.Entries<PaymentBatch>().Any() != true) return result;
        Reached.TrySetResult();
        if (FailBeforeCommit) throw new InvalidOperationException("Injected fault: the process dies before the run commits.");
        if (HoldBeforeCommit > TimeSpan.Zero) await Task.Delay(HoldBeforeCommit, CancellationToken.None);
        return result;
    }
}
