namespace Contingency.Infrastructure.OpenApi;

using Scalar.AspNetCore;

/// <summary>The OpenAPI document at /openapi/v1.json and the API reference at /scalar/v1.</summary>
public static class OpenApiSetup
{
    public static IServiceCollection AddContingencyOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(options =>
        {
            options.AddSchemaTransformer<ApiSchemaTransformer>();
            options.AddOperationTransformer<IdempotencyKeyTransformer>();
            options.AddOperationTransformer<ErrorResponsesTransformer>();
            options.AddDocumentTransformer((document, _, _) => ProblemSchema.AddTo(document));
            options.AddDocumentTransformer<RequiredReferences>();
            options.AddDocumentTransformer<HealthPaths>();
        });

    public static IEndpointRouteBuilder MapContingencyOpenApi(this IEndpointRouteBuilder app)
    {
        app.MapOpenApi();
        app.MapScalarApiReference();
        return app;
    }
}
