namespace Contingency.Features.Providers;

using Contingency.Infrastructure.Security;
using Contingency.Infrastructure.OpenApi;
using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.OpenApi;

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

        group.MapGet("/", async Task<Ok<Paged<ProviderView>>> (string? region, string? licenseType, string? language, string? q,
                int? page, int? pageSize, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new ListProviders(region, licenseType, language, page ?? 1, pageSize ?? 50, q), ct)))
            .WithSummary("List providers, paged").WithName("listProviders")
            .Allow(Roles.Enrollment, Roles.Capacity);

        group.MapGet("/{id}", async Task<Ok<ProviderView>> (string id, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new GetProvider(id), ct))).WithSummary("Get a provider").WithName("getProvider")
            .Allow(Roles.Enrollment, Roles.Capacity, Roles.Provider);

        group.MapPatch("/{id}", async Task<Ok<ProviderView>> (string id, CorrectProviderBody body, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(CorrectProvider.From(id, body), ct)))
            .WithSummary("Correct a provider's name, email, licence number, modalities or languages").WithName("correctProvider")
            .Allow(Roles.Enrollment)
            .ProducesErrors(422, "fixed-field");

        group.MapPost("/{id}/deactivate", async Task<Ok<DeactivationView>> (string id, DeactivateProviderBody body, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new DeactivateProvider(id, body.EffectiveOn, body.Reason), ct)))
            .WithSummary("Deactivate a provider: withdraws its active commitments from a date on").WithName("deactivateProvider")
            .Allow(Roles.Enrollment)
            .ProducesErrors(409, "invalid-transition", "concurrent-update")
            .ProducesErrors(422, "in-the-past");

        group.MapPost("/import", (HttpRequest request, ISender sender, CancellationToken ct) => Import(request, sender, preview: false, ct))
            .WithSummary("Enroll a roster of providers from CSV").WithName("importProviders")
            .RosterImport();

        group.MapPost("/import/preview", (HttpRequest request, ISender sender, CancellationToken ct) => Import(request, sender, preview: true, ct))
            .WithSummary("A dry run of a roster import: the same checks and report, nothing enrolled").WithName("previewProviderImport")
            .RosterImport();

        group.MapPost("/{id}/deactivate/preview", async Task<Ok<DeactivationPreview>> (string id, DeactivateProviderBody body, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new PreviewDeactivation(id, body.EffectiveOn, body.Reason), ct)))
            .WithSummary("What deactivating a provider would do: commitments withdrawn, appointments displaced, payments cancelled or adjusted; nothing changes")
            .WithName("previewProviderDeactivation")
            .Allow(Roles.Enrollment)
            .ProducesErrors(409, "invalid-transition")
            .ProducesErrors(422, "in-the-past");

        return group;
    }

    private static async Task<Ok<ImportReport>> Import(HttpRequest request, ISender sender, bool preview, CancellationToken ct)
    {
        if (!string.Equals(request.ContentType?.Split(';')[0].Trim(), "text/csv", StringComparison.OrdinalIgnoreCase))
            throw new BadHttpRequestException("A roster is sent as text/csv.", StatusCodes.Status415UnsupportedMediaType);
        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body, ct);
        return TypedResults.Ok(await sender.Send(new ImportRoster(body.ToArray(), preview), ct));
    }

    private static RouteHandlerBuilder RosterImport(this RouteHandlerBuilder route) => route
        // The body is documented rather than declared with Accepts: routing would answer another
        // content type 415 before authentication had said 401 or 403.
        .AddOpenApiOperationTransformer((operation, _, _) =>
        {
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Description = $"A roster: a header row naming {string.Join(", ", RosterCsv.Columns)}, lists separated by ';'.",
                Content = new Dictionary<string, OpenApiMediaType> { ["text/csv"] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.String } } },
            };
            return Task.CompletedTask;
        })
        .Allow(Roles.Enrollment)
        .ProducesErrors(400, "malformed-request")
        .ProducesErrors(409, "duplicate-npi", "concurrent-update")
        .ProducesErrors(413, "payload-too-large")
        .ProducesErrors(415, "unsupported-media-type");
}
