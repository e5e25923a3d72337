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
            options.AddDocumentTransformer<BearerSecurity>();
            options.AddOperationTransformer<BearerSecurity>();
        });

    public static IEndpointRouteBuilder MapContingencyOpenApi(this IEndpointRouteBuilder app)
    {
        app.MapOpenApi().AllowAnonymous();
        // The service runs on closed hospital networks: the reference page must work with nothing but
        // this service, and send nothing elsewhere. Scalar's page and script are served from here; these
        // switch off what would reach its cloud: the AI chat (DisableAgent) and MCP integration
        // (DisableMcp), usage telemetry (DisableTelemetry), the fonts from its CDN (DisableDefaultFonts:
        // the browser's fonts are used instead), the developer toolbar with its share, deploy and
        // "Generate SDK" buttons (HideDeveloperTools), and the button that opens the request in Scalar's
        // hosted client (HideClientButton). "Test Request" stays: it calls this service, from the browser.
        app.MapScalarApiReference(options => options
            .WithTitle("Contingency API")
            .DisableAgent()
            .DisableMcp()
            .DisableTelemetry()
            .DisableDefaultFonts()
            .HideDeveloperTools()
            .HideClientButton()
            // The page asks for a token once and sends it with every "Test Request".
            .AddPreferredSecuritySchemes(BearerSecurity.SchemeId))
            .AllowAnonymous();
        return app;
    }
}
