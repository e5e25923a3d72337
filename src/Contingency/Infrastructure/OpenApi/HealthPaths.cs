namespace Contingency.Infrastructure.OpenApi;

using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

/// <summary>
/// The health routes are health-check middleware endpoints, not route handlers, so the generator does
/// not see them; they are described here, as they answer: plain text, 200 Healthy or 503 Unhealthy.
/// </summary>
public sealed class HealthPaths : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Tags ??= new HashSet<OpenApiTag>();
        document.Tags.Add(new OpenApiTag { Name = Tag });
        document.Paths ??= [];
        document.Paths["/health/live"] = Path(document, "getLiveness", "The process runs", withUnhealthy: false);
        document.Paths["/health/ready"] = Path(document, "getReadiness", "The database answers and the scheduler runs", withUnhealthy: true);
        return Task.CompletedTask;
    }

    private const string Tag = "Operations";

    private static OpenApiPathItem Path(OpenApiDocument document, string operationId, string summary, bool withUnhealthy)
    {
        var responses = new OpenApiResponses { ["200"] = Text("Healthy") };
        if (withUnhealthy) responses["503"] = Text("Unhealthy");
        return new OpenApiPathItem
        {
            Operations = new Dictionary<HttpMethod, OpenApiOperation>
            {
                [HttpMethod.Get] = new()
                {
                    OperationId = operationId,
                    Summary = summary,
                    Tags = new HashSet<OpenApiTagReference> { new(Tag, document) },
                    Responses = responses,
                },
            },
        };
    }

    private static OpenApiResponse Text(string body) => new()
    {
        Description = body,
        Content = new Dictionary<string, OpenApiMediaType>
        {
            ["text/plain"] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.String, Enum = [body] } },
        },
    };
}
