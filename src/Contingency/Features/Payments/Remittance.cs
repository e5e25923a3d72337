namespace Contingency.Features.Payments;

using System.Globalization;
using System.Text;
using Contingency.Data;
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

        var csv = new StringBuilder();
        csv.Append(string.Join(',', Header)).Append("\r\n");
        foreach (var x in lines)
        {
            var p = x.Payment;
            string[] cells =
            [
                batch.Id, p.Id, p.ProviderId, x.Npi, Text(x.Name), p.Kind,
                p.PeriodStart?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "",
                p.PeriodEnd?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "",
                p.Sessions.ToString(CultureInfo.InvariantCulture),
                p.Amount.ToString("0.00", CultureInfo.InvariantCulture),
                p.Currency,
            ];
            csv.Append(string.Join(',', cells.Select(Quote))).Append("\r\n");
        }
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(csv.ToString())).ToArray();
        return new RemittanceFile($"remittance-{batch.Id}.csv", bytes);
    }

    // A name such as "=HYPERLINK(...)" must stay a name in the spreadsheet.
    private static string Text(string value) =>
        value.Length > 0 && "=+-@\t\r".Contains(value[0]) ? "'" + value : value;

    private static string Quote(string value) =>
        value.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + value.Replace("\"", "\"\"") + "\"" : value;
}
