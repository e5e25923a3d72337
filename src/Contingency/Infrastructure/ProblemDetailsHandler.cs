namespace Contingency.Infrastructure;

using System.Text.Json;
using Contingency.Data;
using FluentValidation;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

/// <summary>
/// The one place where failures become RFC 9457 problem details: validation is a 400 with the
/// `errors` map, domain rules carry their status and stable `code`, unreadable requests are a 400,
/// and only a genuine fault is a 500 (logged by id, never with request data).
/// </summary>
public sealed class ProblemDetailsHandler(IProblemDetailsService problems, ILogger<ProblemDetailsHandler> log) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        ProblemDetails problem;
        switch (exception)
        {
            case ValidationException validation:
                problem = new HttpValidationProblemDetails(
                    validation.Errors
                        .GroupBy(e => e.PropertyName)
                        .ToDictionary(g => g.Key, g => g.Select(e => e.ErrorMessage).Distinct().ToArray()))
                {
                    Status = StatusCodes.Status400BadRequest,
                    Title = "One or more validation errors occurred.",
                };
                break;
            case DomainException domain:
                problem = new ProblemDetails { Status = domain.Status, Title = TitleOf(domain.Status), Detail = domain.Message };
                problem.Extensions["code"] = domain.Code;
                break;
            case DbUpdateConcurrencyException:
                // Another request changed the same record between our read and our write.
                problem = new ProblemDetails
                {
                    Status = StatusCodes.Status409Conflict,
                    Title = TitleOf(409),
                    Detail = "The record changed while this request was being processed; read it again and retry.",
                };
                problem.Extensions["code"] = "concurrent-update";
                break;
            case BadHttpRequestException bad:
                problem = new ProblemDetails
                {
                    Status = bad.StatusCode,
                    Title = TitleOf(bad.StatusCode),
                    Detail = DescribeBadRequest(bad),
                };
                problem.Extensions["code"] = bad.StatusCode == 400 ? "malformed-request" : "bad-request";
                break;
            case OperationCanceledException when ct.IsCancellationRequested:
                return true; // the client went away; nobody is left to answer
            default:
                log.LogError(exception, "Unhandled failure on {Method} {Path} (trace {TraceId})",
                    http.Request.Method, http.Request.Path, http.TraceIdentifier);
                return false;
        }

        http.Response.StatusCode = problem.Status!.Value;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem, Exception = exception });
    }

    // The JSON reader's message names the path and position only, never the values sent.
    private static string DescribeBadRequest(BadHttpRequestException bad) =>
        bad.InnerException is JsonException json
            ? $"The request body is not valid JSON for this route{(json.Path is { } p ? $" (at {p})" : "")}."
            : bad.Message;

    private static string TitleOf(int status) => status switch
    {
        400 => "Bad request",
        404 => "Not found",
        409 => "Conflict",
        422 => "Unprocessable content",
        _ => "Error",
    };
}
