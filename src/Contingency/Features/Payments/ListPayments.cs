namespace Contingency.Features.Payments;

using Contingency.Data;
using Contingency.Infrastructure.Security;
using Mediator;
using Microsoft.EntityFrameworkCore;

public sealed record ListProviderPayments(string ProviderId, string? ProgramId) : IQuery<IReadOnlyList<PaymentView>>;

public sealed class ListProviderPaymentsHandler(ContingencyDb db, Caller caller) : IQueryHandler<ListProviderPayments, IReadOnlyList<PaymentView>>
{
    public async ValueTask<IReadOnlyList<PaymentView>> Handle(ListProviderPayments query, CancellationToken ct)
    {
        caller.RequireVisible("provider", query.ProviderId, query.ProviderId);
        if (!await db.Providers.AnyAsync(p => p.Id == query.ProviderId, ct))
            throw new NotFoundException("provider", query.ProviderId);
        if (query.ProgramId is { Length: > 0 } programId && !await db.Programs.AnyAsync(p => p.Id == programId, ct))
            throw new NotFoundException("program", programId);

        var payments = db.Payments.AsNoTracking().Where(p => p.ProviderId == query.ProviderId);
        if (query.ProgramId is { Length: > 0 }) payments = payments.Where(p => p.ProgramId == query.ProgramId);
        // Within a moment the signing bonus (no period) comes first on every database (NULLs sort first
        // on SQLite, last on PostgreSQL).
        var rows = await payments.OrderBy(p => p.DueAt).ThenBy(p => p.PeriodStart != null).ThenBy(p => p.PeriodStart).ThenBy(p => p.Id).ToListAsync(ct);
        var zones = await ProgramZones.OfAsync(db, rows.Select(r => r.ProgramId), ct);
        return rows.Select(p => PaymentView.From(p, zones[p.ProgramId])).ToList();
    }
}

internal static class ProgramZones
{
    public static async Task<Dictionary<string, Contingency.Data.Calendar.ProgramZone>> OfAsync(
        ContingencyDb db, IEnumerable<string> programIds, CancellationToken ct)
    {
        var ids = programIds.Distinct().ToList();
        return (await db.Programs.AsNoTracking().Where(p => ids.Contains(p.Id)).Select(p => new { p.Id, p.TimeZone }).ToListAsync(ct))
            .ToDictionary(p => p.Id, p => Contingency.Data.Calendar.ProgramZone.Find(p.TimeZone));
    }
}
