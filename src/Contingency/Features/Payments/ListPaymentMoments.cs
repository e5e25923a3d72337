namespace Contingency.Features.Payments;

using Contingency.Data;
using Contingency.Data.Entities;
using Contingency.Infrastructure;
using Contingency.Infrastructure.Security;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;

/// <summary>A payment moment ahead: the scheduled payments due at one instant, counted and summed.</summary>
public sealed record PaymentsDueView(DateTimeOffset DueAt, int Payments, decimal Amount, string Currency);

/// <summary>
/// A program's scheduled payments grouped by the moment they fall due, earliest first; <c>dueBefore</c> is a
/// local date, as for the payments list. What the payments list would answer, summed by the database: a
/// running program's next four moments are tens of thousands of payments, a handful of rows here.
/// </summary>
public sealed record ListPaymentMoments(string ProgramId, DateOnly? DueBefore) : IQuery<IReadOnlyList<PaymentsDueView>>;

public sealed class ListPaymentMomentsValidator : AbstractValidator<ListPaymentMoments>
{
    public ListPaymentMomentsValidator() => RuleFor(q => q.DueBefore).ServiceDate();
}

/// <summary>Served by the payment run's index (ProgramId, Status, DueAt). Accounts payable's view: finance only.</summary>
public sealed class ListPaymentMomentsHandler(ContingencyDb db, Caller caller) : IQueryHandler<ListPaymentMoments, IReadOnlyList<PaymentsDueView>>
{
    public async ValueTask<IReadOnlyList<PaymentsDueView>> Handle(ListPaymentMoments query, CancellationToken ct)
    {
        var (zone, payments) = await ProgramPayments.FilterAsync(db, caller, query.ProgramId, Payment.Scheduled, query.DueBefore, ct);
        var moments = await payments
            .GroupBy(p => new { p.DueAt, p.Currency })
            .Select(g => new { g.Key.DueAt, g.Key.Currency, Payments = g.Count(), Amount = g.Sum(p => p.Amount) })
            .ToListAsync(ct);
        return moments.OrderBy(m => m.DueAt).ThenBy(m => m.Currency, StringComparer.Ordinal)
            .Select(m => new PaymentsDueView(zone.ToLocal(m.DueAt), m.Payments, m.Amount, m.Currency))
            .ToList();
    }
}
