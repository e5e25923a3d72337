namespace Contingency.Features.Commitments;

using Contingency.Data;
using Mediator;
using Microsoft.EntityFrameworkCore;

public sealed record GetCommitment(string CommitmentId) : IQuery<CommitmentView>;

public sealed class GetCommitmentHandler(ContingencyDb db) : IQueryHandler<GetCommitment, CommitmentView>
{
    public async ValueTask<CommitmentView> Handle(GetCommitment query, CancellationToken ct) =>
        CommitmentView.From(await db.Commitments.AsNoTracking().FirstOrDefaultAsync(c => c.Id == query.CommitmentId, ct)
            ?? throw new NotFoundException("commitment", query.CommitmentId));
}
