namespace Contingency.Features.Audit;

using Contingency.Features.Providers;
using Contingency.Infrastructure;
using Contingency.Infrastructure.Security;
using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;

public static class AuditEndpoints
{
    public static RouteGroupBuilder MapAudit(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/audit").WithTags("Audit");

        group.MapGet("/", async Task<Ok<Paged<AuditEntryView>>> (string? entityType, string? entityId, QueryDate? from, QueryDate? to,
                int? page, int? pageSize, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new ListAudit(entityType, entityId, from?.Value, to?.Value, page ?? 1, pageSize ?? 50), ct)))
            .WithSummary("The audit trail: one entry per record written, oldest first, paged").WithName("listAudit")
            .Allow(Roles.Admin);

        return group;
    }
}
