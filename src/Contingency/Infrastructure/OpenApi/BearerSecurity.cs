namespace Contingency.Infrastructure.OpenApi;

using System.Text.Json.Nodes;
using Contingency.Infrastructure.Security;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

/// <summary>
/// The bearer scheme in the document, and on each operation the roles that may call it: as a
/// security requirement (so the reference page sends the pasted token), as <c>x-roles</c> for tools,
/// and in the description for readers.
/// </summary>
public sealed class BearerSecurity : IOpenApiDocumentTransformer, IOpenApiOperationTransformer
{
    public const string SchemeId = "Bearer";

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Components ??= new();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[SchemeId] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "JWT",
            Description = "A JWT whose `role` claim names the caller's roles (and `provider_id` for the provider role). " +
                          "On a fresh install: `dotnet run --project src/Contingency -- token --role admin`.",
        };
        return Task.CompletedTask;
    }

    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.Description.ActionDescriptor.EndpointMetadata.OfType<AllowedRoles>().FirstOrDefault() is not { } allowed)
            return Task.CompletedTask;
        var roles = allowed.Staff.Concat(allowed.OwnProvider ? [Roles.Provider] : []).ToList();
        operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SchemeId, context.Document)] = [] }];
        operation.Extensions ??= new Dictionary<string, IOpenApiExtension>();
        operation.Extensions["x-roles"] = new JsonNodeExtension(new JsonArray(roles.Select(r => (JsonNode)JsonValue.Create(r)).ToArray()));
        var who = $"Roles: {string.Join(", ", roles.Select(r => $"`{r}`"))}" +
                  (allowed.OwnProvider ? " (a provider: its own records only; another provider's are 404)." : ".");
        operation.Description = string.IsNullOrEmpty(operation.Description) ? who : $"{operation.Description}\n\n{who}";
        return Task.CompletedTask;
    }
}
