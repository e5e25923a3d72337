namespace Contingency.Features.Payments;

using Contingency.Features.Providers;
using Contingency.Infrastructure;
using Contingency.Infrastructure.Security;
using Contingency.Infrastructure.OpenApi;
using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;

public static class PaymentsEndpoints
{
    public static RouteGroupBuilder MapPayments(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api").WithTags("Payments");

        group.MapGet("/providers/{id}/payments", async Task<Ok<IReadOnlyList<PaymentView>>> (string id, string? programId, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new ListProviderPayments(id, programId), ct)))
            .WithSummary("A provider's payment schedule: signing bonus, weekly advances and adjustments").WithName("listProviderPayments")
            .Allow(Roles.Finance, Roles.Provider);

        group.MapPost("/programs/{id}/payment-runs", async Task<Ok<PaymentRunView>> (string id, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new RunPayments(id), ct)))
            .WithSummary("Release every payment of the program that is due, now, into one batch").WithName("runPayments")
            .Allow(Roles.Finance)
            .ProducesErrors(409, "concurrent-update")
            .ProducesErrors(422, "program-closed");

        group.MapGet("/programs/{id}/payments", async Task<Ok<Paged<PaymentView>>> (string id, string? status, QueryDate? dueBefore,
                int? page, int? pageSize, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new ListProgramPayments(id, status, dueBefore?.Value, page ?? 1, pageSize ?? 50), ct)))
            .WithSummary("A program's payments by status and due date, paged: what accounts payable pays next").WithName("listProgramPayments")
            .Allow(Roles.Finance, Roles.Provider);

        group.MapGet("/programs/{id}/payment-moments", async Task<Ok<IReadOnlyList<PaymentsDueView>>> (string id, QueryDate? dueBefore,
                ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new ListPaymentMoments(id, dueBefore?.Value), ct)))
            .WithSummary("A program's scheduled payments by the moment they fall due, counted and summed").WithName("listPaymentMoments")
            .Allow(Roles.Finance);

        group.MapGet("/programs/{id}/payments.csv", async Task<FileContentHttpResult> (string id, string? status, QueryDate? dueBefore,
            ISender sender, CancellationToken ct) =>
        {
            var file = await sender.Send(new ExportPayments(id, status, dueBefore?.Value), ct);
            return TypedResults.File(file.Content, "text/csv; charset=utf-8", file.FileName);
        }).WithSummary("The program's payments as CSV").WithName("exportPayments")
            // The contract's matrix gives the capacity role the exports; a provider gets its own rows.
            .Allow(Roles.Finance, Roles.Capacity, Roles.Provider)
            .Produces<string>(StatusCodes.Status200OK, "text/csv");

        group.MapGet("/programs/{id}/payment-batches", async Task<Ok<Paged<PaymentBatchSummary>>> (string id, int? page, int? pageSize,
                ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new ListPaymentBatches(id, page ?? 1, pageSize ?? 50), ct)))
            .WithSummary("A program's payment batches, oldest first, paged").WithName("listPaymentBatches")
            .Allow(Roles.Finance);

        group.MapGet("/payment-batches/{id}", async Task<Ok<PaymentBatchView>> (string id, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new GetPaymentBatch(id), ct)))
            .WithSummary("A payment batch and its payments").WithName("getPaymentBatch")
            .Allow(Roles.Finance);

        group.MapGet("/payment-batches/{id}/remittance.csv", async Task<FileContentHttpResult> (string id, ISender sender, CancellationToken ct) =>
        {
            var file = await sender.Send(new GetRemittance(id), ct);
            return TypedResults.File(file.Content, "text/csv; charset=utf-8", file.FileName);
        }).WithSummary("The batch as CSV for accounts payable").WithName("getRemittance")
            .Allow(Roles.Finance)
            .Produces<string>(StatusCodes.Status200OK, "text/csv");

        group.MapGet("/jobs", async Task<Ok<IReadOnlyList<JobView>>> (ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new ListJobs(), ct)))
            .WithSummary("The scheduler's jobs and their next firings").WithName("listJobs")
            .Allow(Roles.Finance);

        return group;
    }
}
