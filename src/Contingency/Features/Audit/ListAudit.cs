namespace Contingency.Features.Audit;

using Contingency.Data;
using Contingency.Data.Entities;
using Contingency.Features.Providers;
using Contingency.Infrastructure;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;

/// <summary>One write to one record. <c>at</c> is in UTC: an entry belongs to no one program's zone.</summary>
public sealed record AuditEntryView(string Id, DateTimeOffset At, string Actor, string Action, string EntityType, string EntityId, string Summary)
{
    public static AuditEntryView From(AuditEntry e) => new(
        e.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture), e.At, e.Actor, e.Action, e.EntityType, e.EntityId, e.Summary);
}

/// <summary>The audit trail in the order it was written, oldest first; <c>from</c> and <c>to</c> are UTC days, inclusive.</summary>
public sealed record ListAudit(string? EntityType, string? EntityId, DateOnly? From, DateOnly? To, int Page, int PageSize)
    : IQuery<Paged<AuditEntryView>>;

public sealed class ListAuditValidator : AbstractValidator<ListAudit>
{
    public const int MaxPageSize = 500;

    public ListAuditValidator()
    {
        this.Paging(q => q.Page, q => q.PageSize, MaxPageSize);
        this.Window(q => q.From, q => q.To);
        RuleFor(q => q.EntityType).MaximumLength(AuditEntry.MaxEntityTypeLength);
        RuleFor(q => q.EntityId).MaximumLength(AuditEntry.MaxEntityIdLength);
    }
}

public sealed class ListAuditHandler(ContingencyDb db) : IQueryHandler<ListAudit, Paged<AuditEntryView>>
{
    public async ValueTask<Paged<AuditEntryView>> Handle(ListAudit query, CancellationToken ct)
    {
        var entries = db.AuditEntries.AsNoTracking();
        if (!string.IsNullOrEmpty(query.EntityType)) entries = entries.Where(e => e.EntityType == query.EntityType);
        if (!string.IsNullOrEmpty(query.EntityId)) entries = entries.Where(e => e.EntityId == query.EntityId);
        if (query.From is { } from)
        {
            var start = StartOfUtcDay(from);
            entries = entries.Where(e => e.At >= start);
        }
        if (query.To is { } to)
        {
            var end = StartOfUtcDay(to.AddDays(1));
            entries = entries.Where(e => e.At < end);
        }

        var total = await entries.CountAsync(ct);
        // Entries saved together share their instant; the sequence keeps the order they were written in.
        var items = await entries.OrderBy(e => e.Sequence)
            .Skip((query.Page - 1) * query.PageSize).Take(query.PageSize)
            .ToListAsync(ct);
        return new Paged<AuditEntryView>(items.Select(AuditEntryView.From).ToList(), query.Page, query.PageSize, total);
    }

    private static DateTimeOffset StartOfUtcDay(DateOnly day) => new(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
}
