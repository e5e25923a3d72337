namespace Contingency.Features.Programs;

using Contingency.Infrastructure.Security;
using Contingency.Infrastructure.OpenApi;
using Mediator;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Http.HttpResults;

public static class ProgramsEndpoints
{
    public static RouteGroupBuilder MapPrograms(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/programs").WithTags("Programs");

        group.MapPost("/", async Task<Created<ProgramView>> (CreateProgram body, ISender sender, CancellationToken ct) =>
        {
            var program = await sender.Send(body, ct);
            return TypedResults.Created($"/api/programs/{program.Id}", program);
        }).WithSummary("Create a contingency program").WithName("createProgram")
            .Allow(Roles.Enrollment);

        group.MapGet("/", async Task<Ok<IReadOnlyList<ProgramView>>> (ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new ListPrograms(), ct))).WithSummary("List programs").WithName("listPrograms")
            .Allow(Roles.Enrollment, Roles.Capacity, Roles.Finance);

        group.MapGet("/{id}", async Task<Ok<ProgramView>> (string id, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new GetProgram(id), ct))).WithSummary("Get a program").WithName("getProgram")
            .Allow(Roles.Enrollment, Roles.Capacity, Roles.Finance);

        group.MapPost("/{id}/extend", async Task<Ok<ProgramView>> (string id, ExtendProgramBody body,
                [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new ExtendProgram(id, body.Weeks, idempotencyKey), ct)))
            .WithSummary("Extend a program by some weeks").WithName("extendProgram")
            .Allow(Roles.Enrollment)
            .AcceptsIdempotencyKey()
            .ProducesErrors(409, "concurrent-update")
            .ProducesErrors(422, "too-long", "idempotency-key-reused");

        return group;
    }
}
