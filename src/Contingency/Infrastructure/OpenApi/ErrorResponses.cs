namespace Contingency.Infrastructure.OpenApi;

using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

/// <summary>Endpoint metadata: the route can answer <see cref="Status"/> with one of these problem <c>code</c>s.</summary>
public sealed record ErrorResponse(int Status, IReadOnlyList<string> Codes);

public static class ErrorResponseExtensions
{
    /// <summary>
    /// Declares the refusals a route's own rules give, e.g. <c>.ProducesErrors(409, "slot-taken")</c>.
    /// The ones that follow from the route's shape are added for every route by
    /// <see cref="ErrorResponsesTransformer"/>; declare them here only if the shape does not show them.
    /// </summary>
    public static TBuilder ProducesErrors<TBuilder>(this TBuilder builder, int status, params string[] codes)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new ErrorResponse(status, codes));
}

/// <summary>
/// Writes every error response of an operation as problem details with the codes it can carry.
/// A JSON body brings 400 (invalid-request, malformed-request), 413 and 415; query parameters bring
/// 400; a path parameter brings 404 not-found. Codes the route declares with
/// <see cref="ErrorResponseExtensions.ProducesErrors"/> are added to those.
/// </summary>
/// <remarks>
/// Each response refers to the one <see cref="ProblemSchema"/> (so a generated client has one error
/// type to catch) and lists its codes twice: in the description for readers, and as <c>x-codes</c> for
/// tools. They are deliberately not an <c>enum</c> on <c>code</c>: a generated client would then
/// refuse to read a code added later, and a new refusal would break every client in the field.
/// </remarks>
public sealed class ErrorResponsesTransformer : IOpenApiOperationTransformer
{
    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var errors = new SortedDictionary<int, List<string>>();
        void Add(int status, IEnumerable<string> codes)
        {
            if (!errors.TryGetValue(status, out var list)) errors[status] = list = [];
            list.AddRange(codes.Except(list));
        }

        if (operation.RequestBody is not null)
        {
            Add(400, ["invalid-request", "malformed-request"]);
            Add(413, ["payload-too-large"]);
            Add(415, ["unsupported-media-type"]);
        }
        if (operation.Parameters?.Any(p => p.In == ParameterLocation.Query) == true) Add(400, ["invalid-request", "malformed-request"]);
        if (operation.Parameters?.Any(p => p.In == ParameterLocation.Path) == true) Add(404, ["not-found"]);
        foreach (var declared in context.Description.ActionDescriptor.EndpointMetadata.OfType<ErrorResponse>())
            Add(declared.Status, declared.Codes);

        operation.Responses ??= [];
        foreach (var (status, codes) in errors)
            operation.Responses[status.ToString(System.Globalization.CultureInfo.InvariantCulture)] = Response(status, codes, context.Document);
        return Task.CompletedTask;
    }

    private static OpenApiResponse Response(int status, List<string> codes, OpenApiDocument? document) => new()
    {
        Description = $"{ReasonPhrase(status)}: problem details whose `code` is {string.Join(" or ", codes.Select(c => $"`{c}`"))}.",
        Content = new Dictionary<string, OpenApiMediaType>
        {
            [ProblemSchema.MediaType] = new() { Schema = new OpenApiSchemaReference(ProblemSchema.Id, document) },
        },
        Extensions = new Dictionary<string, IOpenApiExtension>
        {
            ["x-codes"] = new JsonNodeExtension(new JsonArray(codes.Select(c => (JsonNode)JsonValue.Create(c)).ToArray())),
        },
    };

    private static string ReasonPhrase(int status) =>
        Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status) is { Length: > 0 } phrase ? phrase : "Error";
}

/// <summary>RFC 9457 problem details as this service writes them: every refusal carries a stable <c>code</c>.</summary>
public static class ProblemSchema
{
    public const string Id = "ProblemDetails";
    public const string MediaType = "application/problem+json";

    public static Task AddTo(OpenApiDocument document)
    {
        document.Components ??= new();
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        document.Components.Schemas[Id] = Create();
        return Task.CompletedTask;
    }

    private static OpenApiSchema Create() => new()
    {
        Type = JsonSchemaType.Object,
        Description = "RFC 9457 problem details. Clients switch on `code`, which is stable; `title` and `detail` are for people.",
        Required = new HashSet<string> { "code" },
        Properties = new Dictionary<string, IOpenApiSchema>
        {
            ["type"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "A URI reference that identifies the problem type." },
            ["title"] = new OpenApiSchema { Type = JsonSchemaType.String },
            ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32" },
            ["detail"] = new OpenApiSchema { Type = JsonSchemaType.String },
            ["instance"] = new OpenApiSchema { Type = JsonSchemaType.String },
            ["code"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "The stable code of the refusal, e.g. `slot-taken`." },
            ["errors"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Description = "With `invalid-request`: the messages for each field that was refused, by field name.",
                AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String } },
            },
        },
    };
}
