namespace Contingency.Features.Programs;

using Contingency.Data;
using Mediator;
using Microsoft.EntityFrameworkCore;

/// <summary>A program as any staff screen names it: its dates and payment moment, not its rates or holidays.</summary>
public sealed record ProgramEntry(string Id, string Name, string TimeZone, DateOnly StartsOn, DateOnly EndsOn, PaymentMomentView Payments)
    : IProgramDates;

/// <summary>What a screen picks a program by.</summary>
public interface IProgramDates
{
    string Id { get; }
    string Name { get; }
    string TimeZone { get; }
    DateOnly StartsOn { get; }
    DateOnly EndsOn { get; }
}

public sealed record ListProgramDirectory : IQuery<IReadOnlyList<ProgramEntry>>;

/// <summary>
/// Every program's name and dates, for the program pickers of the screens of roles that the contract
/// does not let read programs themselves (scheduling books in a program, finance pays one): the contract's
/// program routes keep their roles; this answers neither rates nor holidays.
/// </summary>
public sealed class ListProgramDirectoryHandler(ContingencyDb db) : IQueryHandler<ListProgramDirectory, IReadOnlyList<ProgramEntry>>
{
    public async ValueTask<IReadOnlyList<ProgramEntry>> Handle(ListProgramDirectory query, CancellationToken ct) =>
        (await db.Programs.AsNoTracking().OrderBy(p => p.StartsOn).ThenBy(p => p.Id).ToListAsync(ct))
            .Select(p => new ProgramEntry(p.Id, p.Name, p.TimeZone, p.StartsOn, p.EndsOn, new PaymentMomentView(p.PaymentWeekday, p.PaymentTime)))
            .ToList();
}
