namespace Contingency.Tests.Http;

using System.Net;
using Contingency.Infrastructure.Security;
using Contingency.Tests.Support;

/// <summary>Idempotency keys belong to their caller: two callers' equal keys never meet.</summary>
public sealed class IdempotencyScopeTests(ContingencyApp app) : IClassFixture<ContingencyApp>
{
    [Fact]
    public async Task The_same_key_from_two_callers_makes_two_bookings_and_each_replays_its_own()
    {
        var (_, providerId, _) = await app.Api().Scenario();
        var first = app.ApiAs("scheduling-system-a", Roles.Scheduling);
        var second = app.ApiAs("scheduling-system-b", Roles.Scheduling);

        var a = (await first.Post("/api/appointments", Api.BookingBody(providerId, "2027-03-02T09:00:00-08:00"), idempotencyKey: "key-1"))
            .Expect(HttpStatusCode.Created);
        // Another body under the same key: for the first caller a misuse, for the second a new request.
        var b = (await second.Post("/api/appointments", Api.BookingBody(providerId, "2027-03-02T10:00:00-08:00"), idempotencyKey: "key-1"))
            .Expect(HttpStatusCode.Created);
        Assert.NotEqual(a.Id(), b.Id());

        Assert.Equal(a.Id(), (await first.Post("/api/appointments", Api.BookingBody(providerId, "2027-03-02T09:00:00-08:00"), idempotencyKey: "key-1"))
            .Expect(HttpStatusCode.Created).Id());
        Assert.Equal(b.Id(), (await second.Post("/api/appointments", Api.BookingBody(providerId, "2027-03-02T10:00:00-08:00"), idempotencyKey: "key-1"))
            .Expect(HttpStatusCode.Created).Id());
        (await first.Post("/api/appointments", Api.BookingBody(providerId, "2027-03-02T10:00:00-08:00"), idempotencyKey: "key-1"))
            .ExpectProblem(HttpStatusCode.UnprocessableEntity, "idempotency-key-reused");
    }
}
