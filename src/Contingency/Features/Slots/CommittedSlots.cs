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
        var rows = new List<(Commitment Commitment, CareProgram Program)>();
        await foreach (var row in OfProvider(db, providerId).WithCancellation(ct)) rows.Add(row);
        var calendars = rows.Select(r => r.Program).DistinctBy(p => p.Id).ToDictionary(p => p.Id, p => p.Calendar());
        return rows.Select(r => new CommittedSlots(r.Commitment, r.Program, calendars[r.Program.Id])).ToList();
    }

    // Compiled once: every booking runs this query, so EF skips translating it each time.
    private static readonly Func<ContingencyDb, string, IAsyncEnumerable<(Commitment, CareProgram)>> OfProvider =
        EF.CompileAsyncQuery((ContingencyDb db, string providerId) => db.Commitments.AsNoTracking()
            .Where(c => c.ProviderId == providerId && c.EndsOn >= c.StartsOn)
            .Join(db.Programs.AsNoTracking(), c => c.ProgramId, p => p.Id, (c, p) => ValueTuple.Create(c, p)));

    /// <summary>The slot of one of the provider's commitments that starts at exactly this instant.</summary>
    public static (CommittedSlots Owner, Slot Slot)? FindSlot(IEnumerable<CommittedSlots> commitments, DateTimeOffset start)
    {
        foreach (var c in commitments)
            if (c.Calendar.Find(c.Pattern, start) is { } slot)
                return (c, slot);
        return null;
    }
}
