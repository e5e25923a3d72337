namespace Contingency.Features.Capacity;

using Contingency.Infrastructure.Security;
using Contingency.Infrastructure.OpenApi;
using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;

public static class CapacityEndpoints
{
    public static RouteGroupBuilder MapCapacity(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/programs").WithTags("Capacity");

        group.MapGet("/{id}/capacity", async Task<Ok<CapacityView>> (string id, string? by, string? region, string? licenseType,
                ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new GetCapacity(id, by ?? "week", region, licenseType), ct)))
            .WithSummary("Committed against booked capacity by week or day, and region").WithName("getCapacity")
            .Allow(Roles.Capacity);

        group.MapGet("/{id}/capacity.csv", async Task<FileContentHttpResult> (string id, string? by, string? region, string? licenseType,
            ISender sender, CancellationToken ct) =>
        {
            var view = await sender.Send(new GetCapacity(id, by ?? "week", region, licenseType), ct);
            return TypedResults.File(CapacityCsv.Write(view), "text/csv; charset=utf-8", $"capacity-{view.ProgramId}-{view.By}.csv");
        }).WithSummary("Capacity by week or day, and region, as CSV").WithName("exportCapacity")
            .Allow(Roles.Capacity)
            .Produces<string>(StatusCodes.Status200OK, "text/csv");
        group.MapPut("/{id}/demand", async Task<Ok<DemandView>> (string id, Dictionary<string, int?> body, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new SetDemand(id, body), ct)))
            .WithSummary("Set the sessions a program needs per week in each region").WithName("setDemand")
            .Allow(Roles.Enrollment)
            .ProducesErrors(422, "program-closed");

        group.MapGet("/{id}/compliance", async Task<Ok<ComplianceView>> (string id, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new GetCompliance(id), ct)))
            .WithSummary("Follow-ups against the 10-business-day standard, the late ones, and third-next-available by region")
            .WithName("getCompliance")
            .Allow(Roles.Capacity);

        return group;
    }
}
