namespace Contingency.Tests.Http;

using System.Net;
using Contingency.Data;
using Contingency.Data.Entities;
using Contingency.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Bookings and reschedules racing a withdrawal, many times over: whoever commits first, no
/// appointment is left holding a slot its commitment no longer has.
/// </summary>
public sealed class WithdrawalRaceTests(ContingencyApp app) : IClassFixture<ContingencyApp>
{
    private const int Repetitions = 100;
    private readonly Api api = app.Api();

    [Fact]
    public async Task A_booking_never_keeps_a_slot_that_a_withdrawal_removed()
    {
        var program = await api.CreateProgram();
        var outcomes = new Dictionary<string, int>();
        for (var round = 0; round < Repetitions; round++)
        {
            var provider = await api.Enroll();
            var commitment = await api.Commit(program.Id(), Api.CommitmentBody(provider.Id()));
            // Two bookings before the withdrawal's day, to be moved onto its days while it happens.
            var early = new[]
            {
                await api.Book(Api.BookingBody(provider.Id(), "2027-03-08T09:00:00-08:00", memberRef: "M-early-1")),
                await api.Book(Api.BookingBody(provider.Id(), "2027-03-08T10:00:00-08:00", memberRef: "M-early-2")),
            };

            using var gate = new SemaphoreSlim(0);
            async Task<(string Kind, Response Response)> Go(string kind, Func<Task<Response>> send)
            {
                await gate.WaitAsync();
                return (kind, await send());
            }
            var requests = new List<Task<(string Kind, Response Response)>>
            {
                Go("withdraw", () => app.Api().Post($"/api/commitments/{commitment.Id()}/withdraw", new { effectiveOn = "2027-03-15", reason = "leaving" })),
            };
            for (var hour = 9; hour <= 14; hour++)
            {
                var start = $"2027-03-{15 + round % 5:00}T{hour:00}:00:00-07:00";
                requests.Add(Go("book", () => app.Api().Post("/api/appointments", Api.BookingBody(provider.Id(), start, memberRef: $"M-{hour}"))));
            }
            requests.Add(Go("reschedule", () => app.Api().Post($"/api/appointments/{early[0].Id()}/reschedule",
                new { providerId = provider.Id(), start = "2027-03-22T09:00:00-07:00" })));
            requests.Add(Go("reschedule", () => app.Api().Post($"/api/appointments/{early[1].Id()}/reschedule",
                new { providerId = provider.Id(), start = "2027-03-16T16:00:00-07:00" })));
            gate.Release(requests.Count);
            var answers = await Task.WhenAll(requests);

            foreach (var (kind, response) in answers)
            {
                var outcome = $"{kind} {(int)response.Status} {(response.Status is HttpStatusCode.OK or HttpStatusCode.Created ? "" : response.Body.Str("code"))}".Trim();
                outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
                Assert.True(response.Status is HttpStatusCode.OK or HttpStatusCode.Created
                    || (kind != "withdraw" && response.Status == HttpStatusCode.UnprocessableEntity && response.Body.Str("code") == "not-a-committed-slot"),
                    $"round {round}: {kind} answered {response.Raw}");
            }

            var (endsOn, held) = await InDb(async db =>
            {
                var c = await db.Commitments.AsNoTracking().SingleAsync(c => c.Id == commitment.Id());
                var appointments = await db.Appointments.AsNoTracking().Where(a => a.CommitmentId == c.Id).ToListAsync();
                return (c.EndsOn, appointments);
            });
            Assert.Equal(new DateOnly(2027, 3, 14), endsOn);
            Assert.All(held, a =>
            {
                Assert.False(a.LocalDate > endsOn && a.HeldSlot is not null, $"round {round}: {a.Status} appointment {a.Id} on {a.LocalDate} holds a withdrawn slot");
                Assert.False(a.Status == Appointment.Displaced && a.HeldSlot is not null, $"round {round}: displaced {a.Id} still holds its slot");
            });
        }
        // The race went both ways: some bookings won (and were displaced), some lost.
        Assert.True(outcomes.ContainsKey("book 201") && outcomes.ContainsKey("book 422 not-a-committed-slot"),
            string.Join(", ", outcomes.Select(o => $"{o.Key}: {o.Value}")));
    }

    [Fact]
    public async Task A_reschedule_racing_a_withdrawal_and_a_booking_of_the_slot_it_frees_gets_an_answer_of_the_rules()
    {
        // The appointment lies on a day the withdrawal removes, and moves to another such day while a
        // second member books the slot it frees: each write takes the same rows (the commitment, the
        // appointment, the freed slot's index entry), so on a server each must take them in one order.
        var program = await api.CreateProgram();
        var outcomes = new Dictionary<string, int>();
        for (var round = 0; round < Repetitions / 2; round++)
        {
            var provider = await api.Enroll();
            var commitment = await api.Commit(program.Id(), Api.CommitmentBody(provider.Id()));
            var freed = $"2027-03-{16 + round % 3:00}T09:00:00-07:00";
            var moving = await api.Book(Api.BookingBody(provider.Id(), freed, memberRef: "M-moving"));

            using var gate = new SemaphoreSlim(0);
            async Task<(string Kind, Response Response)> Go(string kind, Func<Task<Response>> send)
            {
                await gate.WaitAsync();
                return (kind, await send());
            }
            var requests = new List<Task<(string Kind, Response Response)>>
            {
                Go("withdraw", () => app.Api().Post($"/api/commitments/{commitment.Id()}/withdraw", new { effectiveOn = "2027-03-15", reason = "leaving" })),
                Go("reschedule", () => app.Api().Post($"/api/appointments/{moving.Id()}/reschedule",
                    new { providerId = provider.Id(), start = "2027-03-19T10:00:00-07:00" })),
                Go("book", () => app.Api().Post("/api/appointments", Api.BookingBody(provider.Id(), freed, memberRef: "M-other"))),
            };
            gate.Release(requests.Count);
            foreach (var (kind, response) in await Task.WhenAll(requests))
            {
                var outcome = $"{kind} {(int)response.Status} {(response.Status is HttpStatusCode.OK or HttpStatusCode.Created ? "" : response.Body.Str("code"))}".Trim();
                outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
                Assert.True(outcome is "withdraw 200" or "reschedule 201" or "reschedule 409 invalid-transition"
                        or "reschedule 422 not-a-committed-slot" or "book 201" or "book 409 slot-taken" or "book 422 not-a-committed-slot",
                    $"round {round}: {kind} answered {response.Raw}");
            }

            var held = await InDb(db => db.Appointments.AsNoTracking()
                .Where(a => a.CommitmentId == commitment.Id() && a.HeldSlot != null).ToListAsync());
            Assert.True(held.Count == 0, $"round {round}: {string.Join(", ", held.Select(a => $"{a.Status} {a.Id} on {a.LocalDate}"))} still held after the withdrawal");
        }
        Assert.True(outcomes.ContainsKey("withdraw 200"), string.Join(", ", outcomes.Select(o => $"{o.Key}: {o.Value}")));
    }

    private async Task<T> InDb<T>(Func<ContingencyDb, Task<T>> query)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<ContingencyDb>());
    }
}
