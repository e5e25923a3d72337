namespace Contingency.Features.Fhir;

using Contingency.Data;
using Contingency.Data.Entities;
using Contingency.Infrastructure.Security;
using Hl7.Fhir.Model;
using Mediator;
using Microsoft.EntityFrameworkCore;

/// <summary><c>GET /fhir/Schedule?actor=&amp;active=</c>: commitments by practitioner, in id order.</summary>
public sealed record SearchSchedules(FhirSearch Search) : IQuery<FhirPage>
{
    public static readonly string[] Parameters = ["actor", "active"];
}

public sealed class SearchSchedulesHandler(ContingencyDb db, Caller caller) : IQueryHandler<SearchSchedules, FhirPage>
{
    public async ValueTask<FhirPage> Handle(SearchSchedules query, CancellationToken ct)
    {
        var search = query.Search;
        var commitments = db.Commitments.AsNoTracking();
        if (caller.OwnProviderId is { } own) commitments = commitments.Where(c => c.ProviderId == own);
        if (search.References("actor", "Practitioner") is { } actors)
            commitments = commitments.Where(c => actors.Contains(c.ProviderId));
        if (search.Single("active") is { } active)
        {
            var status = active switch
            {
                "true" => Commitment.Active,
                "false" => Commitment.Withdrawn,
                _ => throw new InvalidFieldException("active", "active is true or false."),
            };
            commitments = commitments.Where(c => c.Status == status);
        }
        var total = await commitments.CountAsync(ct);
        var page = await commitments.OrderBy(c => c.Id).Skip(search.Offset).Take(search.Count).ToListAsync(ct);
        return new FhirPage(page.Select(FhirResources.ScheduleOf).ToList<Resource>(), total, search.Offset + page.Count < total);
    }
}
