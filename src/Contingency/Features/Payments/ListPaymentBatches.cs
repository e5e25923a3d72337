namespace Contingency.Features.Payments;

using Contingency.Data;
using Contingency.Features.Providers;
using Contingency.Infrastructure;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;

/// <summary>A batch as the list shows it: its totals, without its payments (GET /api/payment-batches/{id} has those).</summary>
public sealed record PaymentBatchSummary(string Id, string ProgramId, DateTimeOffset CreatedAt, int Released, decimal Amount, string Currency);

public sealed record ListPaymentBatches(string ProgramId, int Page, int PageSize) : IQuery<Paged<PaymentBatchSummary>>;

public sealed class ListPaymentBatchesValidator : AbstractValidator<ListPaymentBatches>
{
    public const int MaxPageSize = 500;

    public ListPaymentBatchesValidator() => this.Paging(q => q.Page, q => q.PageSize, MaxPageSize);
}

/// <summary>
/// A program's batches, oldest first: each run's batch lands on the last page. Served by the index
/// (ProgramId, Id) on PaymentBatches (ids are time-ordered, so this is the order of the runs).
/// </summary>
public sealed class ListPaymentBatchesHandler(ContingencyDb db) : IQueryHandler<ListPaymentBatches, Paged<PaymentBatchSummary>>
{
    public async ValueTask<Paged<PaymentBatchSummary>> Handle(ListPaymentBatches query, CancellationToken ct)
    {
        var program = await db.Programs.AsNoTracking().FirstOrDefaultAsync(p => p.Id == query.ProgramId, ct)
            ?? throw new NotFoundException("program", query.ProgramId);
        var batches = db.PaymentBatches.AsNoTracking().Where(b => b.ProgramId == program.Id);
        var total = await batches.CountAsync(ct);
        var items = await batches.OrderBy(b => b.Id)
            .Skip((query.Page - 1) * query.PageSize).Take(query.PageSize)
            .ToListAsync(ct);
        var zone = program.Zone;
        return new Paged<PaymentBatchSummary>(
            items.Select(b => new PaymentBatchSummary(b.Id, b.ProgramId, zone.ToLocal(b.CreatedAt), b.Released, b.Amount, b.Currency)).ToList(),
            query.Page, query.PageSize, total);
    }
}
