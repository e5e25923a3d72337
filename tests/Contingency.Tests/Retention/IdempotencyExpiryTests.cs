namespace Contingency.Tests.Retention;

using System.Net;
using Contingency.Data;
using Contingency.Features.Retention;
using Contingency.Tests.Support;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

/// <summary>Idempotency records answer retries for Retention:IdempotencyHours, then the key is a new request's, and the expiry job removes them.</summary>
public sealed class IdempotencyExpiryTests
{
    private static async Task<int> RecordCount(ContingencyApp app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ContingencyDb>().IdempotencyRecords.CountAsync();
    }

    private static async Task<int> Expire(ContingencyApp app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ISender>().Send(new ExpireIdempotencyRecords());
    }

    [Fact]
    public async Task A_key_replays_within_the_window_and_is_a_new_request_after_it()
    {
        await using var app = new ContingencyApp { SchedulerRuns = false };
        var api = app.Api();
        var (_, providerId, _) = await api.Scenario();
        var first = Api.BookingBody(providerId, "2027-03-02T09:00:00-08:00", memberRef: "M-RETRY-1");

        var booked = (await api.Post("/api/appointments", first, "key-1")).Expect(HttpStatusCode.Created);
        app.Clock.Advance(TimeSpan.FromHours(23));
        Assert.Equal(booked.Id(), (await api.Post("/api/appointments", first, "key-1")).Expect(HttpStatusCode.Created).Id());
        Assert.Equal(0, await Expire(app)); // nothing is old enough yet
        Assert.Equal(1, await RecordCount(app));

        // A day after: the key no longer answers; the same request is a new booking of a slot now taken.
        app.Clock.Advance(TimeSpan.FromHours(1));
        (await api.Post("/api/appointments", first, "key-1")).ExpectProblem(HttpStatusCode.Conflict, "slot-taken");
        // Another request under the same key is no longer refused as a reused key: it books.
        var other = Api.BookingBody(providerId, "2027-03-02T10:00:00-08:00", memberRef: "M-RETRY-2");
        var again = (await api.Post("/api/appointments", other, "key-1")).Expect(HttpStatusCode.Created);
        Assert.NotEqual(booked.Id(), again.Id());
        Assert.Equal(again.Id(), (await api.Post("/api/appointments", other, "key-1")).Expect(HttpStatusCode.Created).Id());
    }

    [Fact]
    public async Task The_expiry_removes_only_records_older_than_the_window_in_batches()
    {
        await using var app = new ContingencyApp { SchedulerRuns = false };
        app.Settings["Retention:IdempotencyHours"] = "2";
        var api = app.Api();
        var (_, providerId, _) = await api.Scenario();
        for (var hour = 9; hour < 12; hour++)
            (await api.Post("/api/appointments", Api.BookingBody(providerId, $"2027-03-02T{hour:00}:00:00-08:00"), $"old-{hour}")).Expect(HttpStatusCode.Created);
        app.Clock.Advance(TimeSpan.FromHours(1));
        (await api.Post("/api/appointments", Api.BookingBody(providerId, "2027-03-02T12:00:00-08:00"), "young")).Expect(HttpStatusCode.Created);
        app.Clock.Advance(TimeSpan.FromHours(1));

        Assert.Equal(3, await Expire(app));
        Assert.Equal(1, await RecordCount(app));
        Assert.Equal(0, await Expire(app)); // a second run finds nothing left
    }
}
