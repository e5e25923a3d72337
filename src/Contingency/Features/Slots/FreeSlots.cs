namespace Contingency.Features.Slots;

using Contingency.Data;
using Contingency.Infrastructure;
using Contingency.Data.Calendar;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;

public sealed record FreeSlotView(string ProviderId, DateTimeOffset Start, DateTimeOffset End);

public sealed record FreeSlots(
    string ProgramId, DateOnly? From, DateOnly? To, string? Region, string? Modality, string? Language,
    string? LicenseType, int Limit) : IQuery<IReadOnlyList<FreeSlotView>>;

public sealed class FreeSlotsValidator : AbstractValidator<FreeSlots>
{
    public FreeSlotsValidator()
    {
        RuleFor(q => q.Limit).InclusiveBetween(1, 500);
        this.Window(q => q.From, q => q.To);
    }
}

/// <summary>
/// Free slots earliest first. Walks the window a day at a time (<see cref="FreeSlotWalk"/>) and stops
/// once `limit` slots are found, so a search near today reads one or two days of bookings, not the whole window.
/// </summary>
public sealed class FreeSlotsHandler(ContingencyDb db, TimeProvider clock) : IQueryHandler<FreeSlots, IReadOnlyList<FreeSlotView>>
{
    private const int DefaultWindowDays = 28;

    public async ValueTask<IReadOnlyList<FreeSlotView>> Handle(FreeSlots query, CancellationToken ct)
    {
        var program = await db.Programs.AsNoTracking().FirstOrDefaultAsync(p => p.Id == query.ProgramId, ct)
            ?? throw new NotFoundException("program", query.ProgramId);
        var calendar = program.Calendar();
        var now = clock.GetUtcNow();
        var today = calendar.Zone.LocalDateOf(now);

        var from = SlotCalendar.Max(query.From ?? today, SlotCalendar.Max(today, program.StartsOn));
        var to = SlotCalendar.Min(query.To ?? from.AddDays(DefaultWindowDays - 1), program.EndsOn);
        if (to < from) return [];

        var sources = await FreeSlotWalk.SourcesAsync(db, program.Id, from, to, providers =>
        {
            if (!string.IsNullOrEmpty(query.Region)) providers = providers.Where(p => p.Region == query.Region);
            if (!string.IsNullOrEmpty(query.LicenseType)) providers = providers.Where(p => p.LicenseType == query.LicenseType);
            if (!string.IsNullOrEmpty(query.Language)) providers = providers.Where(p => p.Languages.Contains(query.Language));
            if (!string.IsNullOrEmpty(query.Modality)) providers = providers.Where(p => p.Modalities.Contains(query.Modality));
            return providers;
        }, ct);

        var found = new List<FreeSlotView>(query.Limit);
        await foreach (var free in FreeSlotWalk.FromAsync(db, calendar, sources, from, to, now, ct))
        {
            found.Add(new FreeSlotView(free.Source.ProviderId, calendar.Zone.ToLocal(free.Slot.Start), calendar.Zone.ToLocal(free.Slot.End)));
            if (found.Count == query.Limit) break;
        }
        return found;
    }
}
