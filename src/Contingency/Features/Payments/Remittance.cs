namespace Contingency.Features.Payments;

using Contingency.Data;
using Contingency.Infrastructure;
using Mediator;
using Microsoft.EntityFrameworkCore;

public sealed record RemittanceFile(string FileName, byte[] Content);

public sealed record GetRemittance(string BatchId) : IQuery<RemittanceFile>;

/// <summary>
/// The file accounts payable imports: RFC 4180 CSV, UTF-8 with a byte-order mark so spreadsheets
/// read names correctly, a header row, and one line per payment of the batch. Its amounts add up to
/// the batch's amount. Text cells that a spreadsheet would run as a formula are neutralised.
/// </summary>
public sealed class GetRemittanceHandler(ContingencyDb db) : IQueryHandler<GetRemittance, RemittanceFile>
{
    public static readonly string[] Header =
        ["batch_id", "payment_id", "provider_id", "npi", "provider_name", "kind", "period_start", "period_end", "sessions", "amount", "currency"];

    public async ValueTask<RemittanceFile> Handle(GetRemittance query, CancellationToken ct)
    {
        var batch = await db.PaymentBatches.AsNoTracking().FirstOrDefaultAsync(b => b.Id == query.BatchId, ct)
            ?? throw new NotFoundException("payment batch", query.BatchId);
        var lines = await db.Payments.AsNoTracking().Where(p => p.BatchId == batch.Id)
            .Join(db.Providers.AsNoTracking(), p => p.ProviderId, v => v.Id, (p, v) => new { Payment = p, v.Npi, v.Name })
            .OrderBy(x => x.Name).ThenBy(x => x.Payment.ProviderId).ThenBy(x => x.Payment.PeriodStart != null).ThenBy(x => x.Payment.PeriodStart).ThenBy(x => x.Payment.Id)
            .ToListAsync(ct);

        var csv = new CsvFile(Header);
        foreach (var x in lines)
        {
            var p = x.Payment;
            csv.Row(batch.Id, p.Id, p.ProviderId, x.Npi, x.Name, p.Kind, CsvCell.Date(p.PeriodStart), CsvCell.Date(p.PeriodEnd),
                CsvCell.Number(p.Sessions), CsvCell.Money(p.Amount), p.Currency);
        }
        var bytes = csv.ToBytes();
        return new RemittanceFile($"remittance-{batch.Id}.csv", bytes);
    }
}
