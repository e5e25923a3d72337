namespace Contingency.Features.Capacity;

using Contingency.Data;
using Contingency.Data.Entities;
using Contingency.Infrastructure;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;

public sealed record DemandView(string ProgramId, IReadOnlyDictionary<string, int> Demand);

/// <summary>Sessions needed per week, by region name. The whole map is replaced: a region left out has no demand.</summary>
public sealed record SetDemand(string ProgramId, IReadOnlyDictionary<string, int?>? Demand) : ICommand<DemandView>;

public sealed class SetDemandValidator : AbstractValidator<SetDemand>
{
    /// <summary>More regions than any program has: a larger map is not a plan.</summary>
    public const int MaxRegions = 200;

    public SetDemandValidator() =>
        RuleFor(c => c.Demand).Custom((demand, context) =>
        {
            if (demand is null)
            {
                context.AddFailure("demand", "The body is an object of region names and sessions needed per week.");
                return;
            }
            if (demand.Count > MaxRegions) context.AddFailure("demand", $"At most {MaxRegions} regions.");
            foreach (var (region, sessions) in demand)
            {
                if (string.IsNullOrWhiteSpace(region) || region.Length > RegionDemand.MaxRegionLength)
                    context.AddFailure("demand", $"A region's name is 1 to {RegionDemand.MaxRegionLength} characters.");
                else if (sessions is not { } n || n < 0 || n > RegionDemand.MaxSessionsPerWeek)
                    context.AddFailure(region, $"Sessions per week are a whole number from 0 to {RegionDemand.MaxSessionsPerWeek}.");
            }
        });
}

/// <summary>
/// Replaces a program's demand. A region must be one some provider is enrolled in: a misspelt name
/// would otherwise show as a region of pure gap beside the real one, and nobody would notice.
/// </summary>
public sealed partial class SetDemandHandler(ContingencyDb db, TimeProvider clock, ILogger<SetDemandHandler> log)
    : ICommandHandler<SetDemand, DemandView>
{
    public async ValueTask<DemandView> Handle(SetDemand cmd, CancellationToken ct)
    {
        // An unknown program is 404 whatever the body names.
        if (!await db.Programs.AsNoTracking().AnyAsync(p => p.Id == cmd.ProgramId, ct)) throw new NotFoundException("program", cmd.ProgramId);
        var wanted = cmd.Demand!.ToDictionary(d => d.Key, d => d.Value!.Value, StringComparer.Ordinal);
        var names = wanted.Keys.ToList();
        var known = (await db.Providers.AsNoTracking().Where(p => names.Contains(p.Region)).Select(p => p.Region).Distinct().ToListAsync(ct))
            .ToHashSet(StringComparer.Ordinal);
        if (names.Where(n => !known.Contains(n)).Order(StringComparer.Ordinal).FirstOrDefault() is { } unknown)
            throw new InvalidFieldException(unknown, $"No provider is enrolled in a region named '{unknown}'.");

        var demand = await db.WriteAsync(async () =>
        {
            // The program's row first: two replacements of one program's demand queue rather than both insert a region.
            await db.Programs.Where(p => p.Id == cmd.ProgramId).ExecuteUpdateAsync(u => u.SetProperty(p => p.Weeks, p => p.Weeks), ct);
            var program = await db.Programs.FindAsync([cmd.ProgramId], ct) ?? throw new NotFoundException("program", cmd.ProgramId);
            program.RequireOpen();
            var now = clock.GetUtcNow();
            var current = await db.RegionDemands.Where(d => d.ProgramId == program.Id).ToListAsync(ct);
            foreach (var row in current)
            {
                if (wanted.TryGetValue(row.Region, out var sessions)) row.Set(sessions, now);
                else db.RegionDemands.Remove(row);
            }
            var present = current.Select(r => r.Region).ToHashSet(StringComparer.Ordinal);
            db.RegionDemands.AddRange(wanted.Where(w => !present.Contains(w.Key)).Select(w => new RegionDemand(Ids.New(), program.Id, w.Key, w.Value, now)));
            await db.SaveChangesAsync(ct);
            return wanted;
        }, ct);
        DemandSet(log, cmd.ProgramId, demand.Count);
        return new DemandView(cmd.ProgramId, demand.OrderBy(d => d.Key, StringComparer.Ordinal).ToDictionary(d => d.Key, d => d.Value));
    }

    [LoggerMessage(LogLevel.Information, "Demand of program {ProgramId} set for {Regions} regions")]
    private static partial void DemandSet(ILogger logger, string programId, int regions);
}
