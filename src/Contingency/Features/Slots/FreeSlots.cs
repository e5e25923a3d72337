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
/// Free slots earliest first. Walks the window a day at a time and stops once `limit` slots are
/// found, so a search near today reads one or two days of bookings, not the whole window.
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

        var candidates = db.Commitments.AsNoTracking()
            .Where(c => c.ProgramId == program.Id && c.StartsOn <= to && c.EndsOn >= from)
            .Join(db.Providers.AsNoTracking(), c => c.ProviderId, p => p.Id, (c, p) => new { c, p });
        if (!string.IsNullOrEmpty(query.Region)) candidates = candidates.Where(x => x.p.Region == query.Region);
        if (!string.IsNullOrEmpty(query.LicenseType)) candidates = candidates.Where(x => x.p.LicenseType == query.LicenseType);
        if (!string.IsNullOrEmpty(query.Language)) candidates = candidates.Where(x => x.p.Languages.Contains(query.Language));
        if (!string.IsNullOrEmpty(query.Modality)) candidates = candidates.Where(x => x.p.Modalities.Contains(query.Modality));
        var commitments = (await candidates.Select(x => x.c).ToListAsync(ct))
            .Select(c => (c.ProviderId, c.Pattern)).ToList();

        var found = new List<FreeSlotView>(query.Limit);
        for (var day = from; day <= to && found.Count < query.Limit; day = day.AddDays(1))
        {
            var offered = new List<(string ProviderId, Slot Slot)>();
            foreach (var (providerId, pattern) in commitments)
                foreach (var slot in calendar.SlotsOn(pattern, day))
                    if (slot.Start > now) offered.Add((providerId, slot));
            if (offered.Count == 0) continue;

            var providerIds = offered.Select(o => o.ProviderId).Distinct().ToList();
            var dayStart = offered.Min(o => o.Slot.Start);
            var dayEnd = offered.Max(o => o.Slot.Start);
            var held = (await db.Appointments.AsNoTracking()
                    .Where(a => a.HeldSlot >= dayStart && a.HeldSlot <= dayEnd && providerIds.Contains(a.ProviderId))
                    .Select(a => new { a.ProviderId, Start = a.HeldSlot!.Value })
                    .ToListAsync(ct))
                .Select(a => (a.ProviderId, a.Start))
                .ToHashSet();

            found.AddRange(offered
                .Where(o => !held.Contains((o.ProviderId, o.Slot.Start)))
                .OrderBy(o => o.Slot.Start).ThenBy(o => o.ProviderId, StringComparer.Ordinal)
                .Take(query.Limit - found.Count)
                .Select(o => new FreeSlotView(o.ProviderId, calendar.Zone.ToLocal(o.Slot.Start), calendar.Zone.ToLocal(o.Slot.End))));
        }
        return found;
    }
}
