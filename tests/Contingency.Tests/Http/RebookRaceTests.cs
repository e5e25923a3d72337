namespace Contingency.Tests.Http;

using System.Net;
using Contingency.Data;
using Contingency.Data.Entities;
using Contingency.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

/// <summary>Rebooking goes through the booking path: the database, not luck, decides who gets a slot.</summary>
public sealed class RebookRaceTests(ContingencyApp app) : IClassFixture<ContingencyApp>
{
    private readonly Api api = app.Api();

    private async Task<T> InDb<T>(Func<ContingencyDb, Task<T>> query)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<ContingencyDb>());
    }

    /// <summary>
    /// A withdrawal that displaces <paramref name="members"/> appointments, and another provider of the region to
    /// rebook with, whose slots from 2027-03-01 come before any the leaving provider (from 2027-03-08) keeps.
    /// </summary>
    private async Task<(string ProgramId, string OtherProviderId, List<string> Displaced)> Displaced(int members)
    {
        var programId = (await api.CreateProgram()).Id();
        var leavingId = (await api.Enroll()).Id();
        var commitmentId = (await api.Commit(programId, Api.CommitmentBody(leavingId, startsOn: "2027-03-08", weeks: 7))).Id();
        var other = await api.Enroll();
        await api.Commit(programId, Api.CommitmentBody(other.Id()));
        var booked = new List<string>();
        for (var i = 0; i < members; i++)
            booked.Add((await api.Book(Api.BookingBody(leavingId, $"2027-03-{22 + i / 6}T{9 + i % 6:00}:00:00-07:00", memberRef: $"M-{i}"))).Id());
        (await api.Post($"/api/commitments/{commitmentId}/withdraw", new { effectiveOn = "2027-03-15", reason = "leaving" })).Expect(HttpStatusCode.OK);
        return (programId, other.Id(), booked);
    }

    [Fact]
    public async Task A_rebooking_racing_bookings_of_the_suggested_slot_has_one_winner()
    {
        var (programId, otherId, displaced) = await Displaced(1);
        var item = Assert.Single((await api.Get($"/api/programs/{programId}/displaced")).Expect(HttpStatusCode.OK).EnumerateArray());
        var suggestion = item.GetProperty("suggestions")[0];
        Assert.Equal(otherId, suggestion.Str("providerId"));
        var start = suggestion.Str("start");

        var responses = await Concurrently.AllAtOnce(30, i => i == 15
            ? app.Api().Post($"/api/appointments/{displaced[0]}/rebook", new { providerId = otherId, start })
            : app.Api().Post("/api/appointments", Api.BookingBody(otherId, start, memberRef: $"M-other-{i}")));

        Assert.Single(responses, r => r.Status == HttpStatusCode.Created);
        Assert.All(responses.Where(r => r.Status != HttpStatusCode.Created), r => r.ExpectProblem(HttpStatusCode.Conflict, "slot-taken"));
        var at = DateTimeOffset.Parse(start);
        Assert.Equal(1, await InDb(db => db.Appointments.CountAsync(a => a.ProviderId == otherId && a.HeldSlot == at)));
        // The displaced appointment is linked exactly when its rebooking won.
        var winner = responses.Single(r => r.Status == HttpStatusCode.Created).Body;
        var rebookedAs = await InDb(db => db.Appointments.Where(a => a.Id == displaced[0]).Select(a => a.RebookedAsId).SingleAsync());
        Assert.Equal(winner.TryGetProperty("rebookedFrom", out var from) && from.GetString() == displaced[0] ? winner.Id() : null, rebookedAs);
    }

    [Fact]
    public async Task Concurrent_rebookings_of_one_displaced_appointment_book_it_once()
    {
        var (_, otherId, displaced) = await Displaced(1);
        var responses = await Concurrently.AllAtOnce(12, i =>
            app.Api().Post($"/api/appointments/{displaced[0]}/rebook", new { providerId = otherId, start = $"2027-03-{8 + i / 6:00}T{9 + i % 6:00}:00:00-08:00" }));

        var winner = Assert.Single(responses, r => r.Status == HttpStatusCode.Created);
        Assert.All(responses.Where(r => r != winner), r => r.ExpectProblem(HttpStatusCode.Conflict, "already-rebooked"));
        Assert.Equal(1, await InDb(db => db.Appointments.CountAsync(a => a.RebookedFromId == displaced[0])));
        Assert.Equal(winner.Body.Id(), await InDb(db => db.Appointments.Where(a => a.Id == displaced[0]).Select(a => a.RebookedAsId).SingleAsync()));
        Assert.Equal(Appointment.Displaced, await InDb(db => db.Appointments.Where(a => a.Id == displaced[0]).Select(a => a.Status).SingleAsync()));
    }

    [Fact]
    public async Task Members_rebooked_at_once_onto_one_slot_give_it_to_one()
    {
        var (_, otherId, displaced) = await Displaced(8);
        var responses = await Concurrently.AllAtOnce(displaced.Count, i =>
            app.Api().Post($"/api/appointments/{displaced[i]}/rebook", new { providerId = otherId, start = "2027-03-09T09:00:00-08:00" }));

        var winner = Assert.Single(responses, r => r.Status == HttpStatusCode.Created);
        Assert.All(responses.Where(r => r != winner), r => r.ExpectProblem(HttpStatusCode.Conflict, "slot-taken"));
        Assert.Equal(1, await InDb(db => db.Appointments.CountAsync(a => displaced.Contains(a.Id) && a.RebookedAsId != null)));
    }
}
