namespace Contingency.Features.Fhir;

using Contingency.Data;
using Contingency.Infrastructure.Security;
using Hl7.Fhir.Model;
using Mediator;
using Microsoft.EntityFrameworkCore;

/// <summary><c>GET /fhir/Practitioner/{id}</c>: a provider, as <c>GET /api/providers/{id}</c> shows it.</summary>
public sealed record ReadPractitioner(string Id) : IQuery<Resource>;

public sealed class ReadPractitionerHandler(ContingencyDb db, Caller caller) : IQueryHandler<ReadPractitioner, Resource>
{
    public async ValueTask<Resource> Handle(ReadPractitioner query, CancellationToken ct)
    {
        caller.RequireVisible("Practitioner", query.Id, query.Id);
        var provider = await db.Providers.AsNoTracking().FirstOrDefaultAsync(p => p.Id == query.Id, ct)
            ?? throw new NotFoundException("Practitioner", query.Id);
        return FhirResources.PractitionerOf(provider);
    }
}
