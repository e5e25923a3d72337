namespace Contingency.Tests.Http;

using System.Net;
using Contingency.Infrastructure.Security;
using Contingency.Tests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

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
        var slots = Enumerable.Range(0, 40).Select(i => $"2027-03-{2 + i / 6:00}T{9 + i % 6:00}:00:00-08:00").ToList();

        // Books until refused: the burst goes through, then the bucket runs out however slow the machine is.
        var statuses = new List<HttpStatusCode>();
        Response? refused = null;
        foreach (var start in slots)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/appointments")
            {
                Content = System.Net.Http.Json.JsonContent.Create(Api.BookingBody(providerId, start)),
            };
            using var response = await busy.Http.SendAsync(request);
            statuses.Add(response.StatusCode);
            if (response.StatusCode != HttpStatusCode.TooManyRequests) continue;
            Assert.True(response.Headers.RetryAfter?.Delta is { TotalSeconds: >= 1 }, "Retry-After in whole seconds");
            refused = await Response.Of(response);
            break;
        }
        Assert.Equal(Enumerable.Repeat(HttpStatusCode.Created, 5), statuses.Take(5));
        Assert.True(refused is not null, $"never refused: {string.Join(", ", statuses)}");
        refused!.ExpectProblem(HttpStatusCode.TooManyRequests, "rate-limited");

        // Another scheduling system has its own bucket.
        var other = app.ApiAs("other-scheduler", Roles.Scheduling);
        (await other.Post("/api/appointments", Api.BookingBody(providerId, "2027-04-05T09:00:00-07:00"))).Expect(HttpStatusCode.Created);
        // Reads are not limited.
        (await busy.Get($"/api/providers/{providerId}/slots?from=2027-03-02&to=2027-03-02")).Expect(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_calendar_feed_polled_beyond_the_limit_is_refused_with_retry_after()
    {
        var (_, providerId, _) = await app.Api().Scenario();
        var url = (await app.Api().Post($"/api/providers/{providerId}/calendar-feed", null)).Expect(HttpStatusCode.OK).Str("url");
        var calendarApp = app.ClientWith(null);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 40 && !statuses.Contains(HttpStatusCode.TooManyRequests); i++)
        {
            using var response = await calendarApp.GetAsync(url);
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                Assert.True(response.Headers.RetryAfter?.Delta is { TotalSeconds: >= 1 }, "Retry-After in whole seconds");
                (await Response.Of(response)).ExpectProblem(HttpStatusCode.TooManyRequests, "rate-limited");
            }
        }
        Assert.Equal(Enumerable.Repeat(HttpStatusCode.OK, 5), statuses.Take(5));
        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
    }

    [Fact]
    public void Booking_rescheduling_and_rebooking_share_the_per_caller_limit()
    {
        var limited = app.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .Where(e => e.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName == RateLimits.PerCaller)
            .Select(e => e.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName)
            .Order()
            .ToList();
        Assert.Equal(["bookAppointment", "rebookAppointment", "rescheduleAppointment"], limited);
    }

    [Fact]
    public void The_defaults_let_a_scheduling_system_burst_100_and_sustain_50_a_second()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        services.AddContingencyRateLimits();
        var settings = services.BuildServiceProvider().GetRequiredService<IOptions<RateLimits.Settings>>().Value;
        Assert.Equal(100, settings.Burst);
        Assert.Equal(50, settings.PermitsPerSecond);
    }
}

/// <summary>Guessing feed secrets: each guess is a new feed, so the per-address limit is what stops it (a service of its own, so no other test's polls count).</summary>
public sealed class FeedGuessingTests : IClassFixture<ContingencyApp>
{
    private readonly ContingencyApp app;

    public FeedGuessingTests(ContingencyApp app)
    {
        this.app = app;
        app.Settings["RateLimiting:Burst"] = "5";
        app.Settings["RateLimiting:PermitsPerSecond"] = "1";
    }

    [Fact]
    public async Task Made_up_feed_secrets_from_one_address_are_limited_too()
    {
        var guesser = app.ClientWith(null);
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 40 && !statuses.Contains(HttpStatusCode.TooManyRequests); i++)
        {
            // A new secret each time: a bucket per feed alone would never run out.
            using var response = await guesser.GetAsync($"/calendar/feed.ics?secret={Guid.NewGuid():N}{Guid.NewGuid():N}"[..61]);
            statuses.Add(response.StatusCode);
        }
        Assert.Equal(Enumerable.Repeat(HttpStatusCode.NotFound, 5), statuses.Take(5));
        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
    }
}
