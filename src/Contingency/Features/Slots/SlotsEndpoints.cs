namespace Contingency.Features.Slots;

using Contingency.Infrastructure.Security;
using Contingency.Infrastructure;
using Contingency.Infrastructure.OpenApi;
using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;

public static class SlotsEndpoints
{
    public static RouteGroupBuilder MapSlots(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api").WithTags("Slots");

        group.MapGet("/providers/{id}/slots", async Task<Ok<IReadOnlyList<ProviderSlotView>>> (string id, QueryDate? from, QueryDate? to, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new ProviderSlots(id, from?.Value, to?.Value), ct)))
            .WithSummary("A provider's slots, free and booked, between two local dates (inclusive)").WithName("listProviderSlots")
            .Allow(Roles.Scheduling, Roles.Provider);

        group.MapGet("/programs/{id}/slots", async Task<Ok<IReadOnlyList<FreeSlotView>>> (string id, QueryDate? from, QueryDate? to,
                string? region, string? modality, string? language, string? licenseType, int? limit, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new FreeSlots(id, from?.Value, to?.Value, region, modality, language, licenseType, limit ?? 50), ct)))
            .WithSummary("Free slots of a program, earliest first").WithName("searchFreeSlots")
            .Allow(Roles.Scheduling);

        return group;
    }
}
