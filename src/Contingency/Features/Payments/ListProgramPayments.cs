namespace Contingency.Features.Payments;

using Contingency.Data;
using Contingency.Data.Calendar;
using Contingency.Data.Entities;
using Contingency.Features.Providers;
using Contingency.Infrastructure;
using Contingency.Infrastructure.Security;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;

/// <summary>
/// A program's payments; <c>dueBefore</c> is a local date: payments due before that day begins in
/// the program's zone (what accounts payable pays up to and including the day before).
/// </summary>
public sealed record ListProgramPayments(string ProgramId, string? Status, DateOnly? DueBefore, int Page, int PageSize)
    : IQuery<Paged<PaymentView>>;

public sealed class ListProgramPaymentsValidator : AbstractValidator<ListProgramPayments>
{
    public const int MaxPageSize = 500;

    public ListProgramPaymentsValidator()
    {
        this.Paging(q => q.Page, q => q.PageSize, MaxPageSize);
        RuleFor(q => q.Status).PaymentStatus();
        RuleFor(q => q.DueBefore).ServiceDate();
    }
}

/// <summary>
/// In the order the payments were scheduled (ids are time-ordered), so a commitment made while
/// someone pages adds its payments after the rows already read. Served by the index
/// (ProgramId, Id) on Payments, walked in order, status checked on the way; with both status and
/// dueBefore the database takes the payment run's index (ProgramId, Status, DueAt) instead, which
/// reaches exactly the payments due, and sorts only those. A provider sees its own payments only.
/// </summary>
public sealed class ListProgramPaymentsHandler(ContingencyDb db, Caller caller) : IQueryHandler<ListProgramPayments, Paged<PaymentView>>
{
    public async ValueTask<Paged<PaymentView>> Handle(ListProgramPayments query, CancellationToken ct)
    {
        var (zone, payments) = await ProgramPayments.FilterAsync(db, caller, query.ProgramId, query.Status, query.DueBefore, ct);
        var total = await payments.CountAsync(ct);
        var items = await payments.OrderBy(p => p.Id)
            .Skip((query.Page - 1) * query.PageSize).Take(query.PageSize)
            .ToListAsync(ct);
        return new Paged<PaymentView>(items.Select(p => PaymentView.From(p, zone)).ToList(), query.Page, query.PageSize, total);
    }
}

/// <summary>The filters the payments list and its CSV export share, so the two always hold the same rows.</summary>
internal static class ProgramPayments
{
    public static readonly string[] Statuses = [Payment.Scheduled, Payment.Released, Payment.Cancelled];

    public static IRuleBuilderOptions<T, string?> PaymentStatus<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(s => s is null || Statuses.Contains(s)).WithMessage($"status is one of {string.Join(", ", Statuses)}.");

    public static async Task<(ProgramZone Zone, IQueryable<Payment> Payments)> FilterAsync(ContingencyDb db, Caller caller,
        string programId, string? status, DateOnly? dueBefore, CancellationToken ct)
    {
        var program = await db.Programs.AsNoTracking().FirstOrDefaultAsync(p => p.Id == programId, ct)
            ?? throw new NotFoundException("program", programId);
        var zone = program.Zone;
        var payments = db.Payments.AsNoTracking().Where(p => p.ProgramId == program.Id);
        if (caller.OwnProviderId is { } own) payments = payments.Where(p => p.ProviderId == own);
        if (!string.IsNullOrEmpty(status)) payments = payments.Where(p => p.Status == status);
        if (dueBefore is { } day)
        {
            var bound = zone.ReachedAt(day, TimeOnly.MinValue).ToUniversalTime();
            payments = payments.Where(p => p.DueAt < bound);
        }
        return (zone, payments);
    }
}
