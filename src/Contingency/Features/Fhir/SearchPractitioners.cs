namespace Contingency.Features.Fhir;

using Contingency.Data;
using Contingency.Infrastructure.Security;
using Hl7.Fhir.Model;
using Mediator;
using Microsoft.EntityFrameworkCore;

/// <summary><c>GET /fhir/Practitioner?identifier=</c>: providers by NPI, in id order; a provider's token finds itself only.</summary>
public sealed record SearchPractitioners(FhirSearch Search) : IQuery<FhirPage>
{
    public static readonly string[] Parameters = ["identifier"];
}

public sealed class SearchPractitionersHandler(ContingencyDb db, Caller caller) : IQueryHandler<SearchPractitioners, FhirPage>
{
    public async ValueTask<FhirPage> Handle(SearchPractitioners query, CancellationToken ct)
    {
        var search = query.Search;
        var providers = db.Providers.AsNoTracking();
        if (caller.OwnProviderId is { } own) providers = providers.Where(p => p.Id == own);
        if (search.Has("identifier"))
        {
            // system|value, |value or value; only the NPI system names anything here.
            // An identifier of another system names no NPI: it becomes one no provider has.
            var npis = search.Values("identifier", v => v.Split('|', 2) is [var system, var value]
                ? (system is "" or FhirResources.NpiSystem ? value : "") : v)!;
            providers = providers.Where(p => npis.Contains(p.Npi));
        }
        var total = await providers.CountAsync(ct);
        var page = await providers.OrderBy(p => p.Id).Skip(search.Offset).Take(search.Count).ToListAsync(ct);
        return new FhirPage(page.Select(FhirResources.PractitionerOf).ToList<Resource>(), total, search.Offset + page.Count < total);
    }
}
