namespace Contingency.Features.CalendarFeeds;

using Contingency.Infrastructure.OpenApi;
using Contingency.Infrastructure.Security;
using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Net.Http.Headers;

public sealed record CalendarFeedView(string Url);

public static class CalendarFeedEndpoints
{
    /// <summary>
    /// Where feeds are served: outside /api, since a calendar app sends no token. The secret rides in the
    /// query, not the path: the request's path goes into every log line's scope and every trace, its
    /// query into neither.
    /// </summary>
    public const string FeedPath = "/calendar/feed.ics";

    public static RouteGroupBuilder MapCalendarFeeds(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("").WithTags("Calendar feeds");

        group.MapPost("/api/providers/{id}/calendar-feed", async Task<Ok<CalendarFeedView>> (string id, HttpRequest request, ISender sender, CancellationToken ct) =>
            {
                var issued = await sender.Send(new IssueCalendarFeed(id), ct);
                return TypedResults.Ok(new CalendarFeedView($"{request.Scheme}://{request.Host}{request.PathBase}{FeedPath}?secret={issued.Secret}"));
            })
            .WithSummary("Issue a provider's calendar feed URL, replacing the one before").WithName("issueCalendarFeed")
            .Allow(Roles.Enrollment, Roles.Provider)
            .ProducesErrors(409, "concurrent-update");

        group.MapGet(FeedPath, async ([FromQuery] string? secret, HttpContext http, ISender sender, CancellationToken ct) =>
            {
                var feed = await sender.Send(new GetCalendarFeed(secret ?? ""), ct);
                var headers = http.Response.GetTypedHeaders();
                headers.ETag = EntityTagHeaderValue.Parse(feed.ETag);
                headers.LastModified = feed.LastModified;
                // Each poll asks again; the answer is a 304 while nothing changed.
                headers.CacheControl = new CacheControlHeaderValue { Private = true, NoCache = true };
                return Unchanged(http.Request, feed)
                    ? Results.StatusCode(StatusCodes.Status304NotModified)
                    : Results.Text(feed.Write(), "text/calendar; charset=utf-8");
            })
            .WithSummary("A provider's calendar feed (RFC 5545): no token, the secret in the query").WithName("getCalendarFeed")
            .AllowAnonymous()
            .RequireRateLimiting(RateLimits.PerFeed)
            .Produces(200, contentType: "text/calendar")
            .Produces(304)
            .ProducesErrors(404, "not-found")
            .ProducesErrors(429, "rate-limited");

        return group;
    }

    /// <summary>RFC 9110's rules: If-None-Match decides when sent (weak comparison); otherwise If-Modified-Since.</summary>
    private static bool Unchanged(HttpRequest request, CalendarFeedDocument feed)
    {
        var headers = request.GetTypedHeaders();
        if (headers.IfNoneMatch is { Count: > 0 } tags)
        {
            var current = EntityTagHeaderValue.Parse(feed.ETag);
            return tags.Any(t => t.Equals(EntityTagHeaderValue.Any) || t.Compare(current, useStrongComparison: false));
        }
        return headers.IfModifiedSince is { } since
            && TruncateToSeconds(feed.LastModified) <= since;
    }

    private static DateTimeOffset TruncateToSeconds(DateTimeOffset t) =>
        new(t.Ticks - t.Ticks % TimeSpan.TicksPerSecond, t.Offset);
}
