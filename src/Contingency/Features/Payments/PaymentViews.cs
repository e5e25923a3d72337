namespace Contingency.Features.Payments;

using Contingency.Data.Calendar;
using Contingency.Data.Entities;

/// <summary>
/// A payment as providers and accounts payable see it: what it pays for (commitment, week,
/// sessions at the unit amount), how much, when it is due, and where it went.
/// </summary>
public sealed record PaymentView(
    string Id, string ProgramId, string ProviderId, string CommitmentId, string Kind, DateOnly? PeriodStart, DateOnly? PeriodEnd,
    int Sessions, decimal UnitAmount, decimal Amount, string Currency, DateTimeOffset DueAt, string Status,
    DateTimeOffset? ReleasedAt, string? BatchId, string? AdjustsPaymentId)
{
    public static PaymentView From(Payment p, ProgramZone zone) => new(
        p.Id, p.ProgramId, p.ProviderId, p.CommitmentId, p.Kind, p.PeriodStart, p.PeriodEnd, p.Sessions, p.UnitAmount, p.Amount,
        p.Currency, zone.ToLocal(p.DueAt), p.Status, p.ReleasedAt is { } r ? zone.ToLocal(r) : null, p.BatchId, p.AdjustsPaymentId);
}

public sealed record PaymentBatchView(
    string Id, string ProgramId, DateTimeOffset CreatedAt, int Released, decimal Amount, string Currency,
    IReadOnlyList<PaymentView> Payments);
