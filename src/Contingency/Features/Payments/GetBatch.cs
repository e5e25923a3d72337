namespace Contingency.Features.Payments;

using Contingency.Data;
using Mediator;
using Microsoft.EntityFrameworkCore;

public sealed record GetPaymentBatch(string BatchId) : IQuery<PaymentBatchView>;

public sealed class GetPaymentBatchHandler(ContingencyDb db) : IQueryHandler<GetPaymentBatch, PaymentBatchView>
{
    public async ValueTask<PaymentBatchView> Handle(GetPaymentBatch query, CancellationToken ct)
    {
        var batch = await db.PaymentBatches.AsNoTracking().FirstOrDefaultAsync(b => b.Id == query.BatchId, ct)
            ?? throw new NotFoundException("payment batch", query.BatchId);
        var program = await db.Programs.AsNoTracking().FirstAsync(p => p.Id == batch.ProgramId, ct);
        var payments = await db.Payments.AsNoTracking().Where(p => p.BatchId == batch.Id)
            .OrderBy(p => p.ProviderId).ThenBy(p => p.PeriodStart != null).ThenBy(p => p.PeriodStart).ThenBy(p => p.Id).ToListAsync(ct);
        var zone = program.Zone;
        return new PaymentBatchView(batch.Id, batch.ProgramId, zone.ToLocal(batch.CreatedAt), batch.Released, batch.Amount,
            batch.Currency, payments.Select(p => PaymentView.From(p, zone)).ToList());
    }
}
