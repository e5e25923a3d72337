namespace Contingency.Features.Programs;

using Contingency.Infrastructure.Security;
using Contingency.Infrastructure.OpenApi;
using Mediator;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;
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
            .Allow(Roles.Enrollment, Roles.Capacity);

        group.MapGet("/{id}", async Task<Ok<ProgramView>> (string id, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new GetProgram(id), ct))).WithSummary("Get a program").WithName("getProgram")
            .Allow(Roles.Enrollment, Roles.Capacity);

        group.MapPost("/{id}/extend", async Task<Ok<ProgramView>> (string id, ExtendProgramBody body,
                [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new ExtendProgram(id, body.Weeks, idempotencyKey), ct)))
            .WithSummary("Extend a program by some weeks").WithName("extendProgram")
            .Allow(Roles.Enrollment)
            .AcceptsIdempotencyKey()
            .ProducesErrors(409, "concurrent-update")
            .ProducesErrors(422, "too-long", "idempotency-key-reused", "program-closed");

        group.MapPost("/{id}/close", async Task<Ok<ProgramView>> (string id,
                [FromBody(EmptyBodyBehavior = EmptyBodyBehavior.Allow)] CloseProgramBody? body, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new CloseProgram(id, body?.Force ?? false), ct)))
            .WithSummary("Close a program whose end date has passed").WithName("closeProgram")
            .WithDescription("Afterwards every write to the program is 422 program-closed. Refused while payments are not released " +
                "(409 payments-outstanding, listing paymentIds and their count) or past appointments have no outcome (409 " +
                "open-appointments, listing appointmentIds, the first 1,000, and their count) unless force is true, which marks them unresolved.")
            .Allow(Roles.Enrollment)
            .ProducesErrors(409, "open-appointments", "payments-outstanding", "concurrent-update")
            .ProducesErrors(422, "program-not-ended", "program-closed");

        // Outside the contract's /api/programs group on purpose: its own path, its own (wider) roles.
        app.MapGet("/api/program-directory", async Task<Ok<IReadOnlyList<ProgramEntry>>> (ISender sender, CancellationToken ct) =>
                TypedResults.Ok(await sender.Send(new ListProgramDirectory(), ct)))
            .WithTags("Programs").WithSummary("Programs' names and dates, for the screens' pickers").WithName("listProgramDirectory")
            .Allow(Roles.Enrollment, Roles.Scheduling, Roles.Capacity, Roles.Finance);

        return group;
    }
}
