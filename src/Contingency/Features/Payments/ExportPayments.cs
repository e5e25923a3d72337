namespace Contingency.Features.Payments;

using Contingency.Data;
using Contingency.Infrastructure;
using Contingency.Infrastructure.Security;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;

public sealed record CsvExport(string FileName, byte[] Content);

/// <summary>The program's payments as CSV: the rows of GET /api/programs/{id}/payments with the same filters, unpaged.</summary>
public sealed record ExportPayments(string ProgramId, string? Status, DateOnly? DueBefore) : IQuery<CsvExport>;

public sealed class ExportPaymentsValidator : AbstractValidator<ExportPayments>
{
    public ExportPaymentsValidator()
    {
        RuleFor(q => q.Status).PaymentStatus();
        RuleFor(q => q.DueBefore).ServiceDate();
    }
}

/// <summary>
/// One line per payment in the list's order, with the provider's NPI and name beside its id so the
/// file stands alone in a spreadsheet. Amounts and instants are written as the JSON shows them.
/// </summary>
public sealed class ExportPaymentsHandler(ContingencyDb db, Caller caller) : IQueryHandler<ExportPayments, CsvExport>
{
    public static readonly string[] Header =
    [
        "payment_id", "provider_id", "npi", "provider_name", "commitment_id", "kind", "period_start", "period_end",
        "sessions", "unit_amount", "amount", "currency", "due_at", "status", "released_at", "batch_id",
    ];

    public async ValueTask<CsvExport> Handle(ExportPayments query, CancellationToken ct)
    {
        var (zone, payments) = await ProgramPayments.FilterAsync(db, caller, query.ProgramId, query.Status, query.DueBefore, ct);
        var rows = await payments
            .Join(db.Providers.AsNoTracking(), p => p.ProviderId, v => v.Id, (p, v) => new { Payment = p, v.Npi, v.Name })
            .OrderBy(x => x.Payment.Id)
            .ToListAsync(ct);

        var csv = new CsvFile(Header);
        foreach (var x in rows)
        {
            var p = PaymentView.From(x.Payment, zone);
            csv.Row(p.Id, p.ProviderId, x.Npi, x.Name, p.CommitmentId, p.Kind, CsvCell.Date(p.PeriodStart), CsvCell.Date(p.PeriodEnd),
                CsvCell.Number(p.Sessions), CsvCell.Money(p.UnitAmount), CsvCell.Money(p.Amount), p.Currency,
                CsvCell.Instant(p.DueAt), p.Status, CsvCell.Instant(p.ReleasedAt), p.BatchId);
        }
        return new CsvExport($"payments-{query.ProgramId}.csv", csv.ToBytes());
    }
}
