namespace Contingency.Infrastructure.Security;

using System.Globalization;
using System.Threading.RateLimiting;
using Contingency.Infrastructure.OpenApi;
using Microsoft.AspNetCore.RateLimiting;

/// <summary>
/// Per-caller rate limits with ASP.NET Core's rate limiter: a token bucket per token subject, so a
/// scheduling system can burst <c>RateLimiting:Burst</c> requests (default 100) and sustain
/// <c>RateLimiting:PermitsPerSecond</c> (default 50); beyond that 429 <c>rate-limited</c> with
/// <c>Retry-After</c>. One caller's burst never slows another caller. Routes without a token
/// (calendar feeds) get the same bucket per feed.
/// </summary>
public static class RateLimits
{
    /// <summary>Booking and rescheduling (and, later, roster import).</summary>
    public const string PerCaller = "per-caller";
    /// <summary>
    /// Calendar feeds, which come without a token: the same limits per feed (keyed by a hash of its secret,
    /// never the secret itself), so a client polling one feed too hard slows only that one; and, as a
    /// global limiter, per client address across all feed paths, so guessing secrets is throttled too.
    /// </summary>
    public const string PerFeed = "per-feed";
    public const int DefaultBurst = 100;
    public const int DefaultPermitsPerSecond = 50;

    public sealed class Settings
    {
        public int Burst { get; set; } = DefaultBurst;
        public int PermitsPerSecond { get; set; } = DefaultPermitsPerSecond;
    }

    public static IServiceCollection AddContingencyRateLimits(this IServiceCollection services)
    {
        services.AddOptions<Settings>().BindConfiguration("RateLimiting")
            .Validate(s => s.Burst > 0 && s.PermitsPerSecond > 0, "RateLimiting:Burst and RateLimiting:PermitsPerSecond must be above 0.")
            .ValidateOnStart();
        return services.AddRateLimiter(options =>
        {
            options.AddPolicy(PerCaller, context => Bucket(context, context.User.FindFirst(ClaimNames.Subject)?.Value ?? ""));
            options.AddPolicy(PerFeed, context => Bucket(context, Contingency.Data.Entities.CalendarFeed.HashOf(context.Request.Query["secret"].ToString())));
            // And per client address on top, for any feed path: each made-up secret would otherwise be a
            // fresh bucket, and one client could ask without limit (each a lookup).
            options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                context.Request.Path.StartsWithSegments(Contingency.Features.CalendarFeeds.CalendarFeedEndpoints.FeedPath)
                    ? Bucket(context, "feeds from " + context.Connection.RemoteIpAddress)
                    : RateLimitPartition.GetNoLimiter("everything else"));
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = async (context, ct) =>
            {
                var wait = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromSeconds(1);
                var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
                context.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                await context.HttpContext.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = context.HttpContext,
                    ProblemDetails =
                    {
                        Status = StatusCodes.Status429TooManyRequests,
                        Title = "Too many requests",
                        Detail = $"This caller sent more requests than its limit allows; retry after {seconds} s.",
                    },
                });
            };
        });
    }

    private static RateLimitPartition<string> Bucket(HttpContext context, string key) =>
        RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = Limits(context).Burst,
            TokensPerPeriod = Limits(context).PermitsPerSecond,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        });

    private static Settings Limits(HttpContext context) =>
        context.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<Settings>>().Value;

    /// <summary>Applies the per-caller limit and documents its 429.</summary>
    public static TBuilder RateLimitedPerCaller<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireRateLimiting(PerCaller).ProducesErrors(429, "rate-limited");
}
