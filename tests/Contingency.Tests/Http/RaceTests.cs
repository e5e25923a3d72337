namespace Contingency.Tests.Http;

using System.Net;
using Contingency.Data;
using Contingency.Data.Entities;
using Contingency.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

/// <summary>Many clients at once: the database, not luck, decides who wins.</summary>
public sealed class RaceTests(ContingencyApp app) : IClassFixture<ContingencyApp>
{
    private const int Clients = 60;
    private readonly Api api = app.Api();

    private async Task<T> InDb<T>(Func<ContingencyDb, Task<T>> query)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<ContingencyDb>());
    }

    [Fact]
    public async Task Concurrent_bookings_of_one_slot_give_one_booking()
    {
        var (_, providerId, _) = await api.Scenario();
        var responses = await Concurrently.AllAtOnce(Clients, i =>
            app.Api().Post("/api/appointments", Api.BookingBody(providerId, "2027-03-09T11:00:00-08:00", memberRef: $"M-{i}")));

        Assert.Single(responses, r => r.Status == HttpStatusCode.Created);
        Assert.All(responses.Where(r => r.Status != HttpStatusCode.Created), r => r.ExpectProblem(HttpStatusCode.Conflict, "slot-taken"));
        var start = DateTimeOffset.Parse("2027-03-09T19:00:00Z");
        Assert.Equal(1, await InDb(db => db.Appointments.CountAsync(a => a.ProviderId == providerId)));
        Assert.Equal(1, await InDb(db => db.Appointments.CountAsync(a => a.ProviderId == providerId && a.HeldSlot == start && a.Status == Appointment.Booked)));
    }

    [Fact]
    public async Task Concurrent_reschedules_onto_one_free_slot_move_exactly_one()
    {
        var (_, providerId, _) = await api.Scenario();
        var originals = new List<string>();
        foreach (var day in new[] { "2027-03-22", "2027-03-23", "2027-03-24", "2027-03-25" })
            for (var hour = 9; hour <= 13; hour++)
                originals.Add((await api.Book(Api.BookingBody(providerId, $"{day}T{hour:00}:00:00-07:00", memberRef: $"M-{day}-{hour}"))).Id());

        var responses = await Concurrently.AllAtOnce(originals.Count, i =>
            app.Api().Post($"/api/appointments/{originals[i]}/reschedule", new { providerId, start = "2027-03-26T14:00:00-07:00" }));

        var winner = Assert.Single(responses, r => r.Status == HttpStatusCode.Created);
        Assert.All(responses.Where(r => r != winner), r => r.ExpectProblem(HttpStatusCode.Conflict, "slot-taken"));
        var movedFrom = winner.Body.Str("rescheduledFromId");
        var statuses = await InDb(db => db.Appointments.Where(a => originals.Contains(a.Id)).ToDictionaryAsync(a => a.Id, a => a.Status));
        Assert.All(originals, id => Assert.Equal(id == movedFrom ? Appointment.Cancelled : Appointment.Booked, statuses[id]));
        var target = DateTimeOffset.Parse("2027-03-26T21:00:00Z");
        Assert.Equal(1, await InDb(db => db.Appointments.CountAsync(a => a.ProviderId == providerId && a.Start == target)));
    }

    [Fact]
    public async Task Concurrent_cancels_of_one_appointment_succeed_once()
    {
        var (_, providerId, _) = await api.Scenario();
        var appointment = await api.Book(Api.BookingBody(providerId, "2027-03-10T09:00:00-08:00"));
        var responses = await Concurrently.AllAtOnce(20, i =>
            app.Api().Post($"/api/appointments/{appointment.Id()}/cancel", new { reason = "x", initiatedBy = "member" }));
        Assert.Single(responses, r => r.Status == HttpStatusCode.OK);
        Assert.All(responses.Where(r => r.Status != HttpStatusCode.OK), r => r.ExpectProblem(HttpStatusCode.Conflict, "invalid-transition"));
    }

    [Fact]
    public async Task Concurrent_retries_with_one_idempotency_key_book_once()
    {
        var (_, providerId, _) = await api.Scenario();
        var body = Api.BookingBody(providerId, "2027-03-11T09:00:00-08:00");
        var responses = await Concurrently.AllAtOnce(20, _ => app.Api().Post("/api/appointments", body, idempotencyKey: "same-retry"));
        Assert.All(responses, r => r.Expect(HttpStatusCode.Created));
        Assert.Single(responses.Select(r => r.Body.Id()).Distinct());
        Assert.Equal(1, await InDb(db => db.Appointments.CountAsync(a => a.ProviderId == providerId)));
    }

    [Fact]
    public async Task Concurrent_enrollments_of_one_npi_enroll_once()
    {
        var npi = Api.NewNpi();
        var responses = await Concurrently.AllAtOnce(20, _ => app.Api().Post("/api/providers", Api.ProviderBody(npi: npi)));
        Assert.Single(responses, r => r.Status == HttpStatusCode.Created);
        Assert.All(responses.Where(r => r.Status != HttpStatusCode.Created), r => r.ExpectProblem(HttpStatusCode.Conflict, "duplicate-npi"));
    }

    [Fact]
    public async Task Concurrent_commitments_of_one_provider_commit_once()
    {
        var program = await api.CreateProgram();
        var provider = await api.Enroll();
        var responses = await Concurrently.AllAtOnce(20, _ => app.Api().Post($"/api/programs/{program.Id()}/commitments", Api.CommitmentBody(provider.Id())));
        Assert.Single(responses, r => r.Status == HttpStatusCode.Created);
        Assert.All(responses.Where(r => r.Status != HttpStatusCode.Created), r => r.ExpectProblem(HttpStatusCode.Conflict, "already-committed"));
    }

    [Fact]
    public async Task Concurrent_withdrawals_of_one_commitment_withdraw_it_once()
    {
        var (_, providerId, commitmentId) = await api.Scenario();
        await api.Book(Api.BookingBody(providerId, "2027-03-22T09:00:00-07:00"));
        var responses = await Concurrently.AllAtOnce(10, _ =>
            app.Api().Post($"/api/commitments/{commitmentId}/withdraw", new { effectiveOn = "2027-03-15", reason = "leaving" }));

        Assert.Single(responses, r => r.Status == HttpStatusCode.OK);
        // The losers are judged again and find the commitment withdrawn: one kind of race, one answer.
        Assert.All(responses.Where(r => r.Status != HttpStatusCode.OK), r => r.ExpectProblem(HttpStatusCode.Conflict, "invalid-transition"));
        Assert.Equal(1, await InDb(db => db.Appointments.CountAsync(a => a.ProviderId == providerId && a.Status == Appointment.Displaced)));
        Assert.Equal(6, await InDb(db => db.Payments.CountAsync(p => p.CommitmentId == commitmentId && p.Status == Payment.Cancelled)));
    }
}
