namespace Contingency.Infrastructure;

using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Contingency.Data;
using FluentValidation;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

/// <summary>
/// The one place where failures become RFC 9457 problem details with a stable `code`: validation
/// is a 400 with the `errors` map, domain errors map their kind to a status, unreadable requests are
/// a 400 naming the field and the form expected, and only a genuine fault is a 500 (logged by trace
/// id, with no request data and no exception message that could quote it). Answers that no
/// exception produced (unknown route 404, 405, a framework 413 or 415) get their code in
/// <see cref="AddCode"/>.
/// </summary>
public sealed partial class ProblemDetailsHandler(IProblemDetailsService problems, ILogger<ProblemDetailsHandler> log) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        ProblemDetails problem;
        switch (exception)
        {
            case ValidationException validation:
                problem = Invalid(validation.Errors.GroupBy(e => e.PropertyName)
                    .ToDictionary(g => g.Key, g => g.Select(e => e.ErrorMessage).Distinct().ToArray()));
                break;
            case InvalidFieldException field:
                problem = Invalid(new Dictionary<string, string[]> { [field.Field] = [field.Message] });
                break;
            case DomainException domain:
                problem = Problem(StatusOf(domain.Kind), domain.Code, domain.Message);
                foreach (var (name, value) in domain.Details) problem.Extensions[name] = value;
                break;
            case DbUpdateConcurrencyException:
                // Another request changed the same record between our read and our write, and the
                // use case has no rule that judges it again.
                problem = Problem(409, ErrorCodes.ConcurrentUpdate,
                    "The record changed while this request was being processed; read it again and retry.");
                break;
            case var lost when lost.IsTransientConflict():
                // The database ended the transaction (deadlock victim, serialization failure, busy
                // file) in a use case that does not retry: nothing was written, and a retry may pass.
                problem = Problem(409, ErrorCodes.ConcurrentUpdate,
                    "The database ended this request's transaction in a race with another; nothing was written. Retry.");
                break;
            case BadHttpRequestException bad:
                problem = Unreadable(bad);
                break;
            case OperationCanceledException when ct.IsCancellationRequested:
                return true; // the client went away; nobody is left to answer
            default:
                // Logged here, once, with its messages withheld; answered here too, so that the
                // framework's own handler does not log the exception again as it stands.
                UnhandledFailure(log, WithheldMessageException.Of(exception), http.Request.Method, http.Request.Path.ToString(), TraceIdOf(http));
                problem = Problem(500, CodeOf(500), "The request failed unexpectedly; the failure is logged under this answer's traceId.");
                break;
        }

        http.Response.StatusCode = problem.Status!.Value;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem, Exception = exception });
    }

    // The path carries ids only; the query string, where member references travel, is left out.
    [LoggerMessage(LogLevel.Error, "Unhandled failure on {Method} {Path} (trace {TraceId})")]
    private static partial void UnhandledFailure(ILogger logger, Exception exception, string method, string path, string traceId);

    /// <summary>The id the problem body's <c>traceId</c> shows (the framework's own rule), so a client's report finds the log line.</summary>
    public static string TraceIdOf(HttpContext http) => Activity.Current?.Id ?? http.TraceIdentifier;

    public static int StatusOf(ErrorKind kind) => kind switch
    {
        ErrorKind.Invalid => 400,
        ErrorKind.NotFound => 404,
        ErrorKind.Conflict => 409,
        ErrorKind.Unprocessable => 422,
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>
    /// The code the answer to this exception carries when it is a refusal (a rule, a validator, a lost
    /// race); null for an unexpected failure, answered 500. Telemetry counts outcomes by it.
    /// </summary>
    public static string? CodeOf(Exception exception) => exception switch
    {
        ValidationException => ErrorCodes.InvalidRequest,
        DomainException domain => domain.Code,
        DbUpdateConcurrencyException => ErrorCodes.ConcurrentUpdate,
        var lost when lost.IsTransientConflict() => ErrorCodes.ConcurrentUpdate,
        _ => null,
    };

    /// <summary>The code of an answer that carries none of its own, by its status.</summary>
    public static string CodeOf(int status) => status switch
    {
        400 => ErrorCodes.InvalidRequest,
        401 => "unauthenticated",
        403 => "forbidden",
        404 => ErrorCodes.NotFound,
        405 => "method-not-allowed",
        406 => "not-acceptable",
        409 => ErrorCodes.ConcurrentUpdate,
        411 => "length-required",
        413 => "payload-too-large",
        415 => "unsupported-media-type",
        429 => "rate-limited",
        _ when status >= 500 => "internal-error",
        _ => "bad-request",
    };

    /// <summary>Gives every problem a code, whatever produced it (status-code pages, the framework's own refusals).</summary>
    public static void AddCode(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        var status = problem.Status ?? context.HttpContext.Response.StatusCode;
        problem.Extensions.TryAdd("code", CodeOf(status));
        // For the booking count (Telemetry/BookingOutcomes): the code this answer carries.
        context.HttpContext.Items[Telemetry.BookingOutcomes.ProblemCodeKey] = problem.Extensions["code"]?.ToString();
        if (status == 404 && problem.Detail is null) problem.Detail = "There is nothing at this address.";
        if (status == 405 && problem.Detail is null) problem.Detail = $"{context.HttpContext.Request.Method} is not allowed here.";
    }

    private static ProblemDetails Invalid(IDictionary<string, string[]> errors) => new HttpValidationProblemDetails(errors)
    {
        Status = 400,
        Title = "One or more validation errors occurred.",
        Extensions = { ["code"] = ErrorCodes.InvalidRequest },
    };

    private static ProblemDetails Problem(int status, string code, string detail) => new()
    {
        Status = status,
        Title = TitleOf(status),
        Detail = detail,
        Extensions = { ["code"] = code },
    };

    /// <summary>
    /// A request the framework could not read: a body that is not JSON, a value of the wrong type or
    /// form (named by its path, with the form expected, never the value sent), a query or route value
    /// that does not parse, a wrong content type, a body too large.
    /// </summary>
    private static ProblemDetails Unreadable(BadHttpRequestException bad)
    {
        if (bad.StatusCode != 400) return Problem(bad.StatusCode, CodeOf(bad.StatusCode), bad.Message);
        if (bad.InnerException is JsonException json)
        {
            var field = FieldOf(json.Path);
            var expected = json is ExpectedFormException form ? form.Expected : ExpectedOf(json.Message);
            var detail = expected is null
                ? $"The request body is not valid JSON{(field is null ? "" : $" (near {field})")}."
                : $"{field ?? "The body"} must be {expected}.";
            var problem = Problem(400, "malformed-request", detail);
            if (field is not null) problem.Extensions["errors"] = new Dictionary<string, string[]> { [field] = [detail] };
            return problem;
        }
        if (BindFailure().Match(bad.Message) is { Success: true } m)
        {
            var field = m.Groups["name"].Value;
            var detail = $"{field} must be {ExpectedOfType(m.Groups["type"].Value)}.";
            var problem = Problem(400, "malformed-request", detail);
            problem.Extensions["errors"] = new Dictionary<string, string[]> { [field] = [detail] };
            return problem;
        }
        return Problem(400, "malformed-request", bad.Message);
    }

    // "$.rates.session" -> "rates.session"; "$.holidays[3]" -> "holidays[3]"; "$" -> null (the body itself).
    private static string? FieldOf(string? path) =>
        path is null || path == "$" ? null : path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');

    // The framework's own conversion errors name the .NET type; say it as the client writes it.
    private static string? ExpectedOf(string message) =>
        ConversionFailure().Match(message) is { Success: true } m ? ExpectedOfType(m.Groups["type"].Value) : null;

    private static string ExpectedOfType(string type) => type.Replace("Nullable<", "").TrimEnd('>', '?').Replace("System.", "") switch
    {
        "Int32" or "Int64" or "int" or "long" => "a whole number",
        "String" or "string" => "a string",
        "Boolean" or "bool" => "true or false",
        "DateOnly" or "QueryDate" => LocalDateConverter.Expected,
        "TimeOnly" => WallClockTimeConverter.Expected,
        "DateTimeOffset" => InstantConverter.Expected,
        "Decimal" or "decimal" => MoneyConverter.Expected,
        var t when t.Contains("List") || t.Contains("[]") => "a list",
        _ => "an object of the documented shape",
    };

    [GeneratedRegex(@"could not be converted to (?<type>[\w.`\[\]]+)")]
    private static partial Regex ConversionFailure();

    [GeneratedRegex("^Failed to bind parameter \"(?<type>[^\"]+) (?<name>[^\" ]+)\"")]
    private static partial Regex BindFailure();

    private static string TitleOf(int status) => status switch
    {
        400 => "Bad request",
        404 => "Not found",
        405 => "Method not allowed",
        409 => "Conflict",
        413 => "Payload too large",
        415 => "Unsupported media type",
        422 => "Unprocessable content",
        500 => "An error occurred while processing your request.",
        _ => "Error",
    };
}
