namespace Contingency.Features.Retention;

using Contingency.Infrastructure.Security;
using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;

public static class RetentionEndpoints
{
    public static RouteGroupBuilder MapRetention(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/retention").WithTags("Retention");

        group.MapGet("/", async Task<Ok<RetentionView>> (ISender sender, CancellationToken ct) =>
                TypedResults.Ok(await sender.Send(new GetRetention(), ct)))
            .WithSummary("The retention policy, each retention job's next and last run, and the closed programs' member data")
            .WithName("getRetention")
            .Allow(Roles.Admin);

        return group;
    }
}
