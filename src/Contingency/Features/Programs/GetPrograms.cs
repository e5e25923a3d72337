namespace Contingency.Features.Programs;

using Contingency.Data;
using Mediator;
using Microsoft.EntityFrameworkCore;

public sealed record GetProgram(string ProgramId) : IQuery<ProgramView>;

public sealed class GetProgramHandler(ContingencyDb db) : IQueryHandler<GetProgram, ProgramView>
{
    public async ValueTask<ProgramView> Handle(GetProgram query, CancellationToken ct) =>
        ProgramView.From(await db.Programs.AsNoTracking().FirstOrDefaultAsync(p => p.Id == query.ProgramId, ct)
            ?? throw new NotFoundException("program", query.ProgramId));
}

public sealed record ListPrograms : IQuery<IReadOnlyList<ProgramView>>;

public sealed class ListProgramsHandler(ContingencyDb db) : IQueryHandler<ListPrograms, IReadOnlyList<ProgramView>>
{
    public async ValueTask<IReadOnlyList<ProgramView>> Handle(ListPrograms query, CancellationToken ct) =>
        (await db.Programs.AsNoTracking().OrderBy(p => p.StartsOn).ThenBy(p => p.Id).ToListAsync(ct))
            .Select(ProgramView.From).ToList();
}
