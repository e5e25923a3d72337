namespace Contingency.Features.Slots;

using Contingency.Data;
using Contingency.Infrastructure.Security;
using Contingency.Data.Calendar;
using Contingency.Infrastructure;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;

public sealed record ProviderSlotView(DateTimeOffset Start, DateTimeOffset End, string Status, string CommitmentId);

public sealed record ProviderSlots(string ProviderId, DateOnly? From, DateOnly? To) : IQuery<IReadOnlyList<ProviderSlotView>>;

public sealed class ProviderSlotsValidator : AbstractValidator<ProviderSlots>
{
    public ProviderSlotsValidator() => this.Window(q => q.From, q => q.To);
}

public sealed class ProviderSlotsHandler(ContingencyDb db, Caller caller) : IQueryHandler<ProviderSlots, IReadOnlyList<ProviderSlotView>>
{
    public async ValueTask<IReadOnlyList<ProviderSlotView>> Handle(ProviderSlots query, CancellationToken ct)
    {
        caller.RequireVisible("provider", query.ProviderId, query.ProviderId);
        if (!await db.Providers.AnyAsync(p => p.Id == query.ProviderId, ct))
            throw new NotFoundException("provider", query.ProviderId);

        var commitments = await CommittedSlots.OfProviderAsync(db, query.ProviderId, ct);
        if (commitments.Count == 0) return [];
        // With no window given, list the whole of every commitment.
        var from = query.From ?? commitments.Min(c => c.Commitment.StartsOn);
        var to = query.To ?? commitments.Max(c => c.Commitment.EndsOn);

        var slots = commitments
            .SelectMany(c => c.Calendar.Slots(c.Pattern, from, to).Select(s => (Slot: s, c.Commitment.Id, Zone: c.Calendar.Zone)))
            .OrderBy(s => s.Slot.Start)
            .ToList();
        if (slots.Count == 0) return [];

        var first = slots[0].Slot.Start;
        var last = slots[^1].Slot.Start;
        var held = (await db.Appointments.AsNoTracking()
                .Where(a => a.ProviderId == query.ProviderId && a.HeldSlot >= first && a.HeldSlot <= last)
                .Select(a => a.HeldSlot!.Value)
                .ToListAsync(ct))
            .ToHashSet();

        return slots.Select(s => new ProviderSlotView(
                s.Zone.ToLocal(s.Slot.Start), s.Zone.ToLocal(s.Slot.End),
                held.Contains(s.Slot.Start) ? SlotStatus.Booked : SlotStatus.Free, s.Id))
            .ToList();
    }
}

public static class SlotStatus
{
    public const string Free = "free";
    public const string Booked = "booked";
}
