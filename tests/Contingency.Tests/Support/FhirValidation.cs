namespace Contingency.Tests.Support;

using System.Text.Json;
using Contingency.Features.Fhir;
using Firely.Fhir.Validation;
using Hl7.Fhir.Model;
using Hl7.Fhir.Specification.Source;
using Hl7.Fhir.Specification.Terminology;

/// <summary>
/// Firely's validator against the base R4 profiles (the specification package beside the tests): one
/// for the test run, since its first use of each resource type compiles that type's schema.
/// </summary>
public static class FhirValidation
{
    private static readonly Lazy<Validator> Validator = new(() =>
    {
        var resolver = new CachedResolver(ZipSource.CreateValidationSource());
        return new Validator(resolver, new LocalTerminologyService(resolver));
    });

    /// <summary>Parses a body the way a FHIR client would (strictly) and asserts it validates with no error.</summary>
    public static T Valid<T>(string json) where T : Resource
    {
        var resource = JsonSerializer.Deserialize<T>(json, FhirJson.Options)!;
        AssertValid(resource);
        return resource;
    }

    public static void AssertValid(Resource resource)
    {
        var outcome = Validator.Value.Validate(resource);
        var errors = outcome.Issue
            .Where(i => i.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal)
            .Select(i => $"{i.Details?.Text ?? i.Diagnostics} @ {string.Join(",", i.Expression.Concat(i.Location))}")
            .ToList();
        Assert.True(errors.Count == 0, $"{resource.TypeName}/{resource.Id} does not validate against R4:\n{string.Join("\n", errors)}");
        // Entries are resources too, checked on their own.
        if (resource is Bundle bundle)
            foreach (var entry in bundle.Entry)
                if (entry.Resource is { } inner) AssertValid(inner);
    }
}
