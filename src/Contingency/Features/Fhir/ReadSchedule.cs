namespace Contingency.Features.Fhir;

using Contingency.Data;
using Contingency.Infrastructure.Security;
using Hl7.Fhir.Model;
using Mediator;
using Microsoft.EntityFrameworkCore;

/// <summary><c>GET /fhir/Schedule/{id}</c>: a commitment, as a Schedule.</summary>
public sealed record ReadSchedule(string Id) : IQuery<Resource>;

public sealed class ReadScheduleHandler(ContingencyDb db, Caller caller) : IQueryHandler<ReadSchedule, Resource>
{
    public async ValueTask<Resource> Handle(ReadSchedule query, CancellationToken ct)
    {
        var commitment = await db.Commitments.AsNoTracking().FirstOrDefaultAsync(c => c.Id == query.Id, ct)
            ?? throw new NotFoundException("Schedule", query.Id);
        caller.RequireVisible("Schedule", query.Id, commitment.ProviderId);
        return FhirResources.ScheduleOf(commitment);
    }
}
