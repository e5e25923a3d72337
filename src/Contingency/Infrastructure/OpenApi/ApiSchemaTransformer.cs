namespace Contingency.Infrastructure.OpenApi;

using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Contingency.Features.Capacity;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

/// <summary>
/// Makes the generated schemas say what the service reads and writes, as the contract states it:
/// numbers are numbers, money has two decimals, local dates and times have their pattern, weekdays
/// and string vocabularies are enums, and a request field marked [Required] is required and never null.
/// </summary>
public sealed class ApiSchemaTransformer(TimeProvider clock) : IOpenApiSchemaTransformer
{
    private const string LocalDatePattern = @"^\d{4}-\d{2}-\d{2}$";
    private const string LocalTimePattern = "^([01]\\d|2[0-3]):[0-5]\\d$";

    /// <summary>Decimals that are ratios, not money.</summary>
    private static readonly HashSet<(Type Record, string Property)> Ratios =
    [
        (typeof(CapacityFigures), nameof(CapacityFigures.Utilization)),
        (typeof(CapacityRow), nameof(CapacityRow.Utilization)),
    ];

    private static readonly DayOfWeek[] MondayFirst =
        [DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday, DayOfWeek.Saturday, DayOfWeek.Sunday];

    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        var type = Nullable.GetUnderlyingType(context.JsonTypeInfo.Type) ?? context.JsonTypeInfo.Type;
        var member = context.JsonPropertyInfo?.AttributeProvider as MemberInfo;
        // The service's own converters (Infrastructure/Json.cs) hide these types from the generator,
        // which then infers nothing: each is described here in full, null included where the type allows it.
        var nullable = type != context.JsonTypeInfo.Type ? JsonSchemaType.Null : 0;

        NumbersAreNumbers(schema);
        if (type == typeof(decimal))
        {
            if (member is not null && Ratios.Contains((member.DeclaringType!, member.Name))) Ratio(schema);
            else Money(schema, nullable);
        }
        else if (type == typeof(DateOnly)) LocalDate(schema, nullable);
        else if (type == typeof(TimeOnly)) LocalTime(schema, nullable != 0);
        else if (type == typeof(DateTimeOffset)) Instant(schema, nullable);
        else if (type == typeof(DayOfWeek)) Weekday(schema, nullable);
        else if (context.JsonTypeInfo is { Kind: JsonTypeInfoKind.Enumerable, ElementType: var element }
                 && (element == typeof(DateOnly) || element == typeof(DayOfWeek)))
        {
            // The generator gives a list of such values no item schema at all.
            var item = new OpenApiSchema();
            if (element == typeof(DateOnly)) LocalDate(item, 0);
            else Weekday(item, 0);
            schema.Items = item;
        }

        var words = member is not null ? StringEnums.OfProperty(member.DeclaringType!, member.Name)
            : context.ParameterDescription is { Source.Id: "Query" } query ? StringEnums.OfQueryParameter(query.Name)
            : null;
        if (words is not null) Enumerate(schema.Items as OpenApiSchema ?? schema, words);

        if (member?.IsDefined(typeof(RequiredAttribute), inherit: true) == true) NotNull(schema);
        if (context.JsonTypeInfo.Kind == JsonTypeInfoKind.Object && schema.Properties is not null)
        {
            RequiredAsDeclared(schema, context.JsonTypeInfo);
            if (RequestExamples.For(type, clock) is { } example) schema.Examples = [example];
        }
        return Task.CompletedTask;
    }

    /// <summary>
    /// The web defaults also read numbers written as strings, so the generator offers "integer or string".
    /// The contract speaks of JSON numbers, and the service writes nothing else.
    /// </summary>
    private static void NumbersAreNumbers(OpenApiSchema schema)
    {
        if (schema.Type is not { } t || (t & (JsonSchemaType.Integer | JsonSchemaType.Number)) == 0) return;
        schema.Type = t & ~JsonSchemaType.String;
        schema.Pattern = null;
    }

    private static void Money(OpenApiSchema schema, JsonSchemaType nullable)
    {
        schema.Type = JsonSchemaType.Number | nullable;
        schema.Format = null;
        schema.MultipleOf = 0.01m;
        schema.Description ??= "Money: a JSON number with at most two decimals.";
    }

    private static void Ratio(OpenApiSchema schema)
    {
        schema.Type = JsonSchemaType.Number | ((schema.Type ?? 0) & JsonSchemaType.Null);
        schema.Format = null;
        schema.Minimum = "0";
        schema.Maximum = "1";
        schema.MultipleOf = 0.0001m;
        schema.Description ??= "A ratio between 0 and 1, to four decimals.";
    }

    private static void LocalDate(OpenApiSchema schema, JsonSchemaType nullable)
    {
        schema.Type = JsonSchemaType.String | nullable;
        schema.Format = "date";
        schema.Pattern = LocalDatePattern;
    }

    private static void Instant(OpenApiSchema schema, JsonSchemaType nullable)
    {
        schema.Type = JsonSchemaType.String | nullable;
        schema.Format = "date-time";
        schema.Description ??= "An instant with the offset in force in the program's time zone.";
    }

    /// <summary>Not <c>format: time</c>, which means RFC 3339 times with seconds and an offset.</summary>
    private static void LocalTime(OpenApiSchema schema, bool nullable)
    {
        // The converter hides the type from the generator, so nothing was inferred to keep.
        schema.Type = nullable ? JsonSchemaType.String | JsonSchemaType.Null : JsonSchemaType.String;
        schema.Format = null;
        schema.Pattern = LocalTimePattern;
        schema.Examples = [JsonValue.Create("09:00")];
        schema.Description ??= "A local wall-clock time, HH:mm, in the program's time zone.";
    }

    private static void Weekday(OpenApiSchema schema, JsonSchemaType nullable)
    {
        schema.Type = JsonSchemaType.String | nullable;
        schema.Enum = MondayFirst.Select(d => (JsonNode?)JsonValue.Create(d.ToString()))
            .Concat(nullable != 0 ? [null] : []).ToList()!;
    }

    private static void Enumerate(OpenApiSchema schema, IReadOnlyList<string> words)
    {
        var values = words.Select(w => (JsonNode?)JsonValue.Create(w)).ToList();
        // A nullable field's null must pass its enum too.
        if (schema.Type is { } t && t.HasFlag(JsonSchemaType.Null)) values.Add(null);
        schema.Enum = values!;
    }

    /// <summary>
    /// Request records take nullable types so that a missing field reaches the validator, which names it
    /// in a 400; the schema shows the truth instead: the [Required] fields are required and not null,
    /// the others optional. Records without [Required] (answers) keep what the generator inferred:
    /// every field present, null where the type allows it.
    /// </summary>
    private static void RequiredAsDeclared(OpenApiSchema schema, JsonTypeInfo typeInfo)
    {
        var required = typeInfo.Properties
            .Where(p => p.AttributeProvider?.IsDefined(typeof(RequiredAttribute), inherit: true) == true)
            .Select(p => p.Name)
            .ToHashSet();
        if (required.Count == 0) return;
        schema.Required = required;
        RequiredReferences.Mark(schema);
    }

    private static void NotNull(OpenApiSchema schema)
    {
        if (schema.Type is { } t) schema.Type = t & ~JsonSchemaType.Null;
        if (schema.Enum is { } values) schema.Enum = values.Where(v => v is not null).ToList();
    }
}

/// <summary>
/// The generator wraps a nullable object or enum property as <c>oneOf: [null, $ref]</c> after the schema
/// transformers ran; in the records <see cref="ApiSchemaTransformer"/> marked, a required one is
/// unwrapped to the bare <c>$ref</c> here.
/// </summary>
public sealed class RequiredReferences : IOpenApiDocumentTransformer
{
    private const string Marker = "contingency-required-as-declared";

    public static void Mark(OpenApiSchema schema) => (schema.Metadata ??= new Dictionary<string, object>())[Marker] = true;

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        foreach (var schema in document.Components?.Schemas?.Values.OfType<OpenApiSchema>() ?? [])
        {
            if (schema.Metadata?.ContainsKey(Marker) != true || schema.Properties is null || schema.Required is null) continue;
            foreach (var name in schema.Required)
                if (schema.Properties.TryGetValue(name, out var property)
                    && property is OpenApiSchema { OneOf: { Count: 2 } oneOf }
                    && oneOf.Count(o => o.Type == JsonSchemaType.Null) == 1)
                    schema.Properties[name] = oneOf.Single(o => o.Type != JsonSchemaType.Null);
        }
        return Task.CompletedTask;
    }
}
