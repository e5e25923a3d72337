namespace Contingency.Features.Commitments;

using Contingency.Features.Providers;
using Contingency.Infrastructure.Security;
using Contingency.Infrastructure.OpenApi;
using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;

public static class CommitmentsEndpoints
{
    public static RouteGroupBuilder MapCommitments(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api").WithTags("Commitments");

        group.MapPost("/programs/{programId}/commitments", async Task<Created<CommitmentView>> (string programId, CommitBody body, ISender sender, CancellationToken ct) =>
        {
            var commitment = await sender.Send(Commit.From(programId, body), ct);
            return TypedResults.Created($"/api/commitments/{commitment.Id}", commitment);
        }).WithSummary("Record a provider's commitment to a program").WithName("createCommitment")
            .Allow(Roles.Enrollment)
            .ProducesErrors(409, "already-committed")
            .ProducesErrors(422, "outside-program", "in-the-past", "no-slots", "provider-inactive", "program-closed");

        group.MapPost("/programs/{programId}/commitments/preview", async Task<Ok<CommitmentPreview>> (string programId, CommitBody body, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(PreviewCommitment.From(programId, body), ct)))
            .WithSummary("What a commitment would be: its slots per week and its payment schedule; nothing is saved").WithName("previewCommitment")
            .Allow(Roles.Enrollment)
            .ProducesErrors(409, "already-committed")
            .ProducesErrors(422, "outside-program", "in-the-past", "no-slots", "provider-inactive", "program-closed");

        group.MapGet("/programs/{id}/commitments", async Task<Ok<Paged<CommitmentView>>> (string id, string? status, string? region,
                int? page, int? pageSize, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new ListCommitments(id, status, region, page ?? 1, pageSize ?? 50), ct)))
            .WithSummary("A program's commitments in the order they were made, paged").WithName("listCommitments")
            .Allow(Roles.Enrollment);

        group.MapGet("/commitments/{id}", async Task<Ok<CommitmentView>> (string id, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new GetCommitment(id), ct))).WithSummary("Get a commitment").WithName("getCommitment")
            .Allow(Roles.Enrollment);

        group.MapPost("/commitments/{id}/withdraw", async Task<Ok<CommitmentView>> (string id, WithdrawBody body, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new Withdraw(id, body.EffectiveOn, body.Reason), ct)))
            .WithSummary("Withdraw a commitment from a date on; displaces the bookings it held").WithName("withdrawCommitment")
            .Allow(Roles.Enrollment)
            .ProducesErrors(409, "invalid-transition", "concurrent-update")
            .ProducesErrors(422, "in-the-past", "outside-commitment", "program-closed");

        return group;
    }
}
