namespace Contingency.Features.Slots;

using Contingency.Data;
using Contingency.Data.Calendar;
using Contingency.Data.Entities;
using Microsoft.EntityFrameworkCore;

/// <summary>A commitment with the calendar of its program: everything needed to compute its slots.</summary>
public sealed record CommittedSlots(Commitment Commitment, CareProgram Program, SlotCalendar Calendar)
{
    public SlotPattern Pattern { get; } = Commitment.Pattern;

    /// <summary>Every commitment of the provider that still has days (withdrawn ones keep their early part).</summary>
    public static async Task<List<CommittedSlots>> OfProviderAsync(ContingencyDb db, string providerId, CancellationToken ct)
    {
        var rows = await db.Commitments.AsNoTracking()
            .Where(c => c.ProviderId == providerId && c.EndsOn >= c.StartsOn)
            .Join(db.Programs.AsNoTracking(), c => c.ProgramId, p => p.Id, (c, p) => new { c, p })
            .ToListAsync(ct);
        var calendars = rows.Select(r => r.p).DistinctBy(p => p.Id).ToDictionary(p => p.Id, p => p.Calendar());
        return rows.Select(r => new CommittedSlots(r.c, r.p, calendars[r.p.Id])).ToList();
    }

    /// <summary>The slot of one of the provider's commitments that starts at exactly this instant.</summary>
    public static (CommittedSlots Owner, Slot Slot)? FindSlot(IEnumerable<CommittedSlots> commitments, DateTimeOffset start)
    {
        foreach (var c in commitments)
            if (c.Calendar.Find(c.Pattern, start) is { } slot)
                return (c, slot);
        return null;
    }
}
