namespace Contingency.Features.Providers;

using Contingency.Infrastructure.Security;
using Contingency.Infrastructure.OpenApi;
using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;

public static class ProvidersEndpoints
{
    public static RouteGroupBuilder MapProviders(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/providers").WithTags("Providers");

        group.MapPost("/", async Task<Created<ProviderView>> (Enroll body, ISender sender, CancellationToken ct) =>
        {
            var provider = await sender.Send(body, ct);
            return TypedResults.Created($"/api/providers/{provider.Id}", provider);
        }).WithSummary("Enroll a contract provider").WithName("enrollProvider")
            .Allow(Roles.Enrollment)
            .ProducesErrors(409, "duplicate-npi");

        group.MapGet("/", async Task<Ok<Paged<ProviderView>>> (string? region, string? licenseType, string? language,
                int? page, int? pageSize, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new ListProviders(region, licenseType, language, page ?? 1, pageSize ?? 50), ct)))
            .WithSummary("List providers, paged").WithName("listProviders")
            .Allow(Roles.Enrollment, Roles.Capacity);

        group.MapGet("/{id}", async Task<Ok<ProviderView>> (string id, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new GetProvider(id), ct))).WithSummary("Get a provider").WithName("getProvider")
            .Allow(Roles.Enrollment, Roles.Capacity, Roles.Provider);

        return group;
    }
}
