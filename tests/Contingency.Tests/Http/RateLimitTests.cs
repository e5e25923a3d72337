namespace Contingency.Tests.Http;

using System.Net;
using Contingency.Infrastructure.Security;
using Contingency.Tests.Support;

/// <summary>Booking is limited per caller: a burst beyond the limit is 429 with Retry-After, and other callers go on.</summary>
public sealed class RateLimitTests : IClassFixture<ContingencyApp>
{
    private readonly ContingencyApp app;

    public RateLimitTests(ContingencyApp app)
    {
        this.app = app;
        // Five at once, then one a second: small enough to cross in a test without waiting.
        app.Settings["RateLimiting:Burst"] = "5";
        app.Settings["RateLimiting:PermitsPerSecond"] = "1";
    }

    [Fact]
    public async Task A_burst_beyond_the_limit_is_refused_with_retry_after_and_another_caller_is_unaffected()
    {
        var (_, providerId, _) = await app.Api().Scenario();
        var busy = app.ApiAs("busy-scheduler", Roles.Scheduling);
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 8; i++)
            statuses.Add((await busy.Post("/api/appointments", Api.BookingBody(providerId, $"2027-03-0{2 + i % 4}T{9 + i / 4:00}:00:00-08:00"))).Status);
        // The first five of the burst are booked; at most one more may come from the bucket's refill meanwhile.
        Assert.Equal(Enumerable.Repeat(HttpStatusCode.Created, 5), statuses.Take(5));
        Assert.Contains(HttpStatusCode.TooManyRequests, statuses.Skip(5));

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/appointments")
        {
            Content = System.Net.Http.Json.JsonContent.Create(Api.BookingBody(providerId, "2027-03-08T09:00:00-08:00")),
        };
        using var refused = await busy.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True(refused.Headers.RetryAfter?.Delta is { TotalSeconds: >= 1 }, "Retry-After in whole seconds");
        (await Response.Of(refused)).ExpectProblem(HttpStatusCode.TooManyRequests, "rate-limited");

        // Another scheduling system has its own bucket.
        var other = app.ApiAs("other-scheduler", Roles.Scheduling);
        (await other.Post("/api/appointments", Api.BookingBody(providerId, "2027-03-09T09:00:00-08:00"))).Expect(HttpStatusCode.Created);
        // Reads are not limited.
        (await busy.Get($"/api/providers/{providerId}/slots?from=2027-03-02&to=2027-03-02")).Expect(HttpStatusCode.OK);
    }
}
