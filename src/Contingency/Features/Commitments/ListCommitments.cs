namespace Contingency.Features.Commitments;

using Contingency.Data;
using Contingency.Data.Entities;
using Contingency.Features.Providers;
using Contingency.Infrastructure;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;

public sealed record ListCommitments(string ProgramId, string? Status, string? Region, int Page, int PageSize)
    : IQuery<Paged<CommitmentView>>;

public sealed class ListCommitmentsValidator : AbstractValidator<ListCommitments>
{
    public const int MaxPageSize = 500;
    private static readonly string[] Statuses = [Commitment.Active, Commitment.Withdrawn];

    public ListCommitmentsValidator()
    {
        this.Paging(q => q.Page, q => q.PageSize, MaxPageSize);
        RuleFor(q => q.Status).Must(s => s is null || Statuses.Contains(s))
            .WithMessage($"status is one of {string.Join(", ", Statuses)}.");
        RuleFor(q => q.Region).MaximumLength(Provider.MaxRegionLength);
    }
}

/// <summary>
/// A program's commitments in the order they were made (ids are time-ordered), so a commitment
/// made while someone pages lands on the last page and never shifts the ones already read.
/// Served by the index (ProgramId, Id) on Commitments, walked in order; status is checked on the
/// way and region through the provider's primary key.
/// </summary>
public sealed class ListCommitmentsHandler(ContingencyDb db) : IQueryHandler<ListCommitments, Paged<CommitmentView>>
{
    public async ValueTask<Paged<CommitmentView>> Handle(ListCommitments query, CancellationToken ct)
    {
        if (!await db.Programs.AnyAsync(p => p.Id == query.ProgramId, ct)) throw new NotFoundException("program", query.ProgramId);

        var commitments = db.Commitments.AsNoTracking().Where(c => c.ProgramId == query.ProgramId);
        if (!string.IsNullOrEmpty(query.Status)) commitments = commitments.Where(c => c.Status == query.Status);
        if (!string.IsNullOrEmpty(query.Region))
            commitments = commitments.Where(c => db.Providers.Any(p => p.Id == c.ProviderId && p.Region == query.Region));

        var total = await commitments.CountAsync(ct);
        var items = await commitments.OrderBy(c => c.Id)
            .Skip((query.Page - 1) * query.PageSize).Take(query.PageSize)
            .ToListAsync(ct);
        return new Paged<CommitmentView>(items.Select(CommitmentView.From).ToList(), query.Page, query.PageSize, total);
    }
}
