namespace Contingency.Infrastructure.Telemetry;

/// <summary>Marks an endpoint that books a slot; its answers are counted in <see cref="ContingencyMetrics.Bookings"/>.</summary>
public sealed record CountedBooking(string Operation);

/// <summary>
/// Counts every booking asked for over the API by how it ended, whatever ended it: booked, replayed
/// (an Idempotency-Key retry answered from its record), a rule's refusal (slot-taken), a validator's
/// (invalid-request), the rate limiter's (rate-limited), a refused token (unauthenticated,
/// forbidden), an unreadable body, a 500 (internal-error), or aborted when the caller went away.
/// Outermost in the pipeline, so it sees the answer every other part gave.
/// </summary>
public static class BookingOutcomes
{
    /// <summary>Where the problem details writer leaves the code of the problem it wrote.</summary>
    public const string ProblemCodeKey = "contingency.problem.code";

    public static TBuilder CountsAsBooking<TBuilder>(this TBuilder builder, string operation) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new CountedBooking(operation));

    public static IApplicationBuilder UseBookingOutcomes(this IApplicationBuilder app)
    {
        var metrics = app.ApplicationServices.GetRequiredService<ContingencyMetrics>();
        return app.Use(async (http, next) =>
        {
            if (http.GetEndpoint()?.Metadata.GetMetadata<CountedBooking>() is not { } booking)
            {
                await next(http);
                return;
            }
            var failed = false;
            try
            {
                await next(http);
            }
            catch
            {
                failed = true;
                throw;
            }
            finally
            {
                metrics.Booking(booking.Operation, OutcomeOf(http, failed));
            }
        });
    }

    private static string OutcomeOf(HttpContext http, bool failed) =>
        failed ? ProblemDetailsHandler.CodeOf(500)
        : http.RequestAborted.IsCancellationRequested ? "aborted"
        : http.Response.StatusCode is >= 200 and < 300
            ? http.RequestServices.GetService<Idempotency>()?.Replayed == true ? "replayed" : "booked"
        : http.Items[ProblemCodeKey] as string ?? ProblemDetailsHandler.CodeOf(http.Response.StatusCode);
}
