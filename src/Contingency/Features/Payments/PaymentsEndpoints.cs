namespace Contingency.Features.Payments;

using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;

public static class PaymentsEndpoints
{
    public static RouteGroupBuilder MapPayments(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api").WithTags("Payments");

        group.MapGet("/providers/{id}/payments", async Task<Ok<IReadOnlyList<PaymentView>>> (string id, string? programId, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new ListProviderPayments(id, programId), ct)))
            .WithSummary("A provider's payment schedule: signing bonus, weekly advances and adjustments");

        group.MapPost("/programs/{id}/payment-runs", async Task<Ok<PaymentRunView>> (string id, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new RunPayments(id), ct)))
            .WithSummary("Release every payment of the program that is due, now, into one batch");

        group.MapGet("/payment-batches/{id}", async Task<Ok<PaymentBatchView>> (string id, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new GetPaymentBatch(id), ct))).WithSummary("A payment batch and its payments");

        group.MapGet("/payment-batches/{id}/remittance.csv", async Task<FileContentHttpResult> (string id, ISender sender, CancellationToken ct) =>
        {
            var file = await sender.Send(new GetRemittance(id), ct);
            return TypedResults.File(file.Content, "text/csv; charset=utf-8", file.FileName);
        }).WithSummary("The batch as CSV for accounts payable");

        group.MapGet("/jobs", async Task<Ok<IReadOnlyList<JobView>>> (ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new ListJobs(), ct))).WithSummary("The scheduler's jobs and their next firings");

        return group;
    }
}
