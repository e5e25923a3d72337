namespace Contingency.Features.Fhir;

using Contingency.Data;
using Contingency.Infrastructure.Security;
using Hl7.Fhir.Model;
using Mediator;
using Microsoft.EntityFrameworkCore;

/// <summary><c>GET /fhir/Slot/{id}</c>: one slot of a commitment, free or busy.</summary>
public sealed record ReadSlot(string Id) : IQuery<Resource>;

public sealed class ReadSlotHandler(ContingencyDb db, Caller caller) : IQueryHandler<ReadSlot, Resource>
{
    public async ValueTask<Resource> Handle(ReadSlot query, CancellationToken ct)
    {
        if (!FhirResources.TryParseSlotId(query.Id, out var commitmentId, out var start)) throw new NotFoundException("Slot", query.Id);
        var row = await db.Commitments.AsNoTracking().Where(c => c.Id == commitmentId)
            .Join(db.Programs.AsNoTracking(), c => c.ProgramId, p => p.Id, (c, p) => new { Commitment = c, Program = p })
            .FirstOrDefaultAsync(ct) ?? throw new NotFoundException("Slot", query.Id);
        caller.RequireVisible("Slot", query.Id, row.Commitment.ProviderId);
        var calendar = row.Program.Calendar();
        if (calendar.Find(row.Commitment.Pattern, start) is not { } slot) throw new NotFoundException("Slot", query.Id);
        var providerId = row.Commitment.ProviderId;
        var held = await db.Appointments.AnyAsync(a => a.ProviderId == providerId && a.HeldSlot == slot.Start, ct);
        return FhirResources.SlotOf(commitmentId, calendar.Zone, slot, held);
    }
}
