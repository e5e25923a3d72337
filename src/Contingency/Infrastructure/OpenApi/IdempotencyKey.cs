namespace Contingency.Infrastructure.OpenApi;

using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

/// <summary>Endpoint metadata: the route takes an optional <c>Idempotency-Key</c> header.</summary>
public sealed record IdempotencyKeyHeader
{
    public const string Name = "Idempotency-Key";
}

public static class IdempotencyKeyExtensions
{
    public static TBuilder AcceptsIdempotencyKey<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new IdempotencyKeyHeader());
}

/// <summary>Documents the header on the routes that declare it, whether or not the handler binds it itself.</summary>
public sealed class IdempotencyKeyTransformer : IOpenApiOperationTransformer
{
    private const string Description =
        "Optional. The same key with the same body answers the first response again; with another body it is 422 `idempotency-key-reused`.";

    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        if (!context.Description.ActionDescriptor.EndpointMetadata.OfType<IdempotencyKeyHeader>().Any()) return Task.CompletedTask;

        operation.Parameters ??= [];
        var bound = operation.Parameters.FirstOrDefault(p => p.In == ParameterLocation.Header && p.Name == IdempotencyKeyHeader.Name);
        if (bound is not null) operation.Parameters.Remove(bound);
        operation.Parameters.Add(new OpenApiParameter
        {
            Name = IdempotencyKeyHeader.Name,
            In = ParameterLocation.Header,
            Required = false,
            Description = Description,
            Schema = new OpenApiSchema { Type = JsonSchemaType.String },
        });
        return Task.CompletedTask;
    }
}
