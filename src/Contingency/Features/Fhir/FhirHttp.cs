namespace Contingency.Features.Fhir;

using System.Text.Json;
using Contingency.Infrastructure;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.AspNetCore.Mvc;
using Task = System.Threading.Tasks.Task;

/// <summary>FHIR's JSON, from Firely's serializer: one set of options for the process.</summary>
public static class FhirJson
{
    public const string ContentType = "application/fhir+json; charset=utf-8";
    public static readonly JsonSerializerOptions Options = new JsonSerializerOptions().ForFhir(ModelInfo.ModelInspector);
}

/// <summary>A resource as the answer, <c>application/fhir+json</c>.</summary>
public sealed class FhirResult(Resource resource, int status = StatusCodes.Status200OK) : IResult
{
    public Resource Resource => resource;

    public async Task ExecuteAsync(HttpContext http)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = FhirJson.ContentType;
        await JsonSerializer.SerializeAsync(http.Response.Body, resource, FhirJson.Options, http.RequestAborted);
    }
}

/// <summary>A page of a search: the matches, the total when it is known cheaply, and whether more follow.</summary>
public sealed record FhirPage(IReadOnlyList<Resource> Matches, int? Total, bool More);

public static class FhirBundles
{
    /// <summary>
    /// A <c>searchset</c> Bundle: <c>self</c> is the request as sent, <c>next</c> the same search at
    /// the next offset; each entry's fullUrl is absolute, as R4 asks of a search's entries.
    /// </summary>
    public static Bundle Searchset(HttpRequest request, FhirSearch search, FhirPage page)
    {
        var bundle = new Bundle { Type = Bundle.BundleType.Searchset, Total = page.Total };
        bundle.Link.Add(new Bundle.LinkComponent { RelationString = "self", Url = request.GetEncodedUrl() });
        if (page.More)
        {
            var query = request.Query.Where(p => p.Key is not ("_offset" or "_count"))
                .SelectMany(p => p.Value.Select(v => KeyValuePair.Create(p.Key, v)))
                .Append(KeyValuePair.Create("_count", (string?)search.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)))
                .Append(KeyValuePair.Create("_offset", (string?)(search.Offset + search.Count).ToString(System.Globalization.CultureInfo.InvariantCulture)));
            bundle.Link.Add(new Bundle.LinkComponent
            {
                RelationString = "next",
                Url = UriHelper.BuildAbsolute(request.Scheme, request.Host, request.PathBase, request.Path, QueryString.Create(query)),
            });
        }
        var baseUrl = BaseUrl(request);
        foreach (var resource in page.Matches)
            bundle.Entry.Add(new Bundle.EntryComponent
            {
                FullUrl = $"{baseUrl}/{resource.TypeName}/{resource.Id}",
                Resource = resource,
                Search = new Bundle.SearchComponent { Mode = Bundle.SearchEntryMode.Match },
            });
        return bundle;
    }

    public static string BaseUrl(HttpRequest request) =>
        UriHelper.BuildAbsolute(request.Scheme, request.Host, request.PathBase, FhirEndpoints.BasePath).TrimEnd('/');
}

/// <summary>
/// Every error under /fhir as an OperationOutcome (FHIR's error resource) instead of problem details:
/// whatever produced it (a handler's domain error, validation, a 401 or 403, an unknown route, the
/// rate limiter), it reaches here through the problem details service. The problem's stable
/// <c>code</c> rides along as the issue's detail coding; the errors map becomes one issue per field.
/// </summary>
public sealed class FhirOutcomeWriter : IProblemDetailsWriter
{
    public const string ProblemCodes = "urn:contingency:problem-code";

    public bool CanWrite(ProblemDetailsContext context) => context.HttpContext.Request.Path.StartsWithSegments(FhirEndpoints.BasePath);

    public async ValueTask WriteAsync(ProblemDetailsContext context)
    {
        ProblemDetailsHandler.AddCode(context);
        var problem = context.ProblemDetails;
        var status = problem.Status ?? context.HttpContext.Response.StatusCode;
        var code = problem.Extensions.TryGetValue("code", out var c) ? c?.ToString() : null;
        var outcome = new OperationOutcome();
        if (problem is HttpValidationProblemDetails { Errors.Count: > 0 } invalid)
        {
            foreach (var (field, messages) in invalid.Errors)
                foreach (var message in messages)
                    outcome.Issue.Add(Issue(status, code, problem.Title, message, field));
        }
        else
        {
            // A failure's answer names the trace its log line is filed under; so does its outcome.
            var traceId = status >= 500 ? ProblemDetailsHandler.TraceIdOf(context.HttpContext) : null;
            outcome.Issue.Add(Issue(status, code, problem.Title, traceId is null ? problem.Detail : $"{problem.Detail} (traceId {traceId})", null));
        }
        context.HttpContext.Response.StatusCode = status;
        await new FhirResult(outcome, status).ExecuteAsync(context.HttpContext);
    }

    private static OperationOutcome.IssueComponent Issue(int status, string? code, string? title, string? diagnostics, string? field)
    {
        var issue = new OperationOutcome.IssueComponent
        {
            Severity = status >= 500 ? OperationOutcome.IssueSeverity.Fatal : OperationOutcome.IssueSeverity.Error,
            Code = TypeOf(status),
            Details = new CodeableConcept { Text = title },
            Diagnostics = diagnostics,
        };
        if (code is not null) issue.Details.Coding.Add(new Coding(ProblemCodes, code));
        if (field is not null) issue.Expression = [field];
        return issue;
    }

    private static OperationOutcome.IssueType TypeOf(int status) => status switch
    {
        400 => OperationOutcome.IssueType.Invalid,
        401 => OperationOutcome.IssueType.Login,
        403 => OperationOutcome.IssueType.Forbidden,
        404 => OperationOutcome.IssueType.NotFound,
        405 or 415 => OperationOutcome.IssueType.NotSupported,
        409 => OperationOutcome.IssueType.Conflict,
        413 => OperationOutcome.IssueType.TooLong,
        422 => OperationOutcome.IssueType.BusinessRule,
        429 => OperationOutcome.IssueType.Throttled,
        _ => OperationOutcome.IssueType.Exception,
    };
}
