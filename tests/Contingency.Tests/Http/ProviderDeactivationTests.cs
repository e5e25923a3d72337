namespace Contingency.Tests.Http;

using System.Net;
using Contingency.Data;
using Contingency.Data.Entities;
using Contingency.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Deactivating a provider withdraws its commitments by the withdrawal rules, in one transaction, and
/// keeps it from committing again; racing bookings never keep a slot it removed.
/// </summary>
public sealed class ProviderDeactivationTests
{
    [Fact]
    public async Task Withdraws_every_active_commitment_displaces_its_bookings_and_settles_its_payments()
    {
        await using var app = new ContingencyApp { SchedulerRuns = false };
        var api = app.Api();
        var (programId, providerId, commitmentId) = await api.Scenario();
        // A second program where the provider also committed, and a third whose commitment ends before the deactivation.
        var second = await api.CreateProgram(Api.ProgramBody(startsOn: "2027-03-08", weeks: 4));
        var secondCommitment = await api.Commit(second.Id(), Api.CommitmentBody(providerId, startsOn: "2027-03-08", weeks: 4, weekdays: ["Saturday"]));
        var third = await api.CreateProgram(Api.ProgramBody(startsOn: "2027-03-01", weeks: 1));
        var ended = await api.Commit(third.Id(), Api.CommitmentBody(providerId, startsOn: "2027-03-01", weeks: 1, weekdays: ["Saturday"]));

        app.Clock.SetUtcNow(DateTimeOffset.Parse("2027-03-05T17:00:00-08:00"));
        Assert.Equal(3, (await api.Post($"/api/programs/{programId}/payment-runs", null)).Expect(HttpStatusCode.OK).Int("released"));
        app.Clock.SetUtcNow(DateTimeOffset.Parse("2027-03-08T10:00:00-08:00"));
        var kept = await api.Book(Api.BookingBody(providerId, "2027-03-09T09:00:00-08:00", memberRef: "M-kept"));
        var moved = await api.Book(Api.BookingBody(providerId, "2027-03-11T09:00:00-08:00", memberRef: "M-moved"));
        var movedToo = await api.Book(Api.BookingBody(providerId, "2027-03-20T10:00:00-07:00", memberRef: "M-moved-too"));

        var answer = (await api.Post($"/api/providers/{providerId}/deactivate", new { effectiveOn = "2027-03-10", reason = "Licence lapsed" }))
            .Expect(HttpStatusCode.OK);
        Assert.Equal("inactive", answer.GetProperty("provider").Str("status"));
        Assert.Equal(new[] { commitmentId, secondCommitment.Id() }.Order(),
            answer.GetProperty("withdrawnCommitments").EnumerateArray().Select(c => c.GetString()).Order());
        Assert.Equal(new[] { moved.Id(), movedToo.Id() }.Order(),
            answer.GetProperty("displacedAppointments").EnumerateArray().Select(c => c.GetString()).Order());
        Assert.Equal("inactive", (await api.Get($"/api/providers/{providerId}")).Expect(HttpStatusCode.OK).Str("status"));

        // Each commitment as a withdrawal from that day leaves it.
        var first = (await api.Get($"/api/commitments/{commitmentId}")).Expect(HttpStatusCode.OK);
        Assert.Equal(("withdrawn", "2027-03-09", "2027-03-10", "Licence lapsed", 42),
            (first.Str("status"), first.Str("endsOn"), first.Str("withdrawnEffectiveOn"), first.Str("withdrawalReason"), first.Int("totalSlots")));
        var withdrawnSecond = (await api.Get($"/api/commitments/{secondCommitment.Id()}")).Expect(HttpStatusCode.OK);
        Assert.Equal(("withdrawn", 0), (withdrawnSecond.Str("status"), withdrawnSecond.Int("totalSlots")));
        Assert.Equal("active", (await api.Get($"/api/commitments/{ended.Id()}")).Expect(HttpStatusCode.OK).Str("status"));

        Assert.Equal("booked", (await api.Get($"/api/appointments/{kept.Id()}")).Expect(HttpStatusCode.OK).Str("status"));
        Assert.Equal("displaced", (await api.Get($"/api/appointments/{moved.Id()}")).Expect(HttpStatusCode.OK).Str("status"));
        Assert.Equal("displaced", (await api.Get($"/api/appointments/{movedToo.Id()}")).Expect(HttpStatusCode.OK).Str("status"));

        // Payments as a withdrawal settles them: removed weeks cancelled, released money for removed slots adjusted.
        var payments = (await api.Get($"/api/providers/{providerId}/payments?programId={programId}")).Expect(HttpStatusCode.OK).EnumerateArray().ToList();
        var adjustment = Assert.Single(payments, p => p.Str("kind") == "adjustment");
        Assert.Equal(("2027-03-08", -18, -3600.00m, "scheduled"),
            (adjustment.Str("periodStart"), adjustment.Int("sessions"), adjustment.GetProperty("amount").GetDecimal(), adjustment.Str("status")));
        Assert.Equal(6, payments.Count(p => p.Str("kind") == "advance" && p.Str("status") == "cancelled"));
        Assert.Equal(2, payments.Count(p => p.Str("kind") == "advance" && p.Str("status") == "released"));
        var secondPayments = (await api.Get($"/api/providers/{providerId}/payments?programId={second.Id()}")).Expect(HttpStatusCode.OK).EnumerateArray().ToList();
        Assert.All(secondPayments.Where(p => p.Str("kind") == "advance"), p => Assert.Equal("cancelled", p.Str("status")));

        // Inactive: no new commitment, and no second deactivation.
        (await api.Post($"/api/programs/{programId}/commitments", Api.CommitmentBody(providerId, startsOn: "2027-03-15", weeks: 2)))
            .ExpectProblem(HttpStatusCode.UnprocessableEntity, "provider-inactive");
        (await api.Post($"/api/providers/{providerId}/deactivate", new { effectiveOn = "2027-03-10", reason = "again" }))
            .ExpectProblem(HttpStatusCode.Conflict, "invalid-transition");
    }

    [Fact]
    public async Task A_day_in_the_past_of_any_commitment_refuses_the_whole_deactivation()
    {
        await using var app = new ContingencyApp { SchedulerRuns = false };
        var api = app.Api();
        var (_, providerId, commitmentId) = await api.Scenario();
        app.Clock.SetUtcNow(DateTimeOffset.Parse("2027-03-08T10:00:00-08:00"));
        var booked = await api.Book(Api.BookingBody(providerId, "2027-03-11T09:00:00-08:00"));

        (await api.Post($"/api/providers/{providerId}/deactivate", new { effectiveOn = "2027-03-05", reason = "backdated" }))
            .ExpectProblem(HttpStatusCode.UnprocessableEntity, "in-the-past");
        Assert.Equal("active", (await api.Get($"/api/providers/{providerId}")).Expect(HttpStatusCode.OK).Str("status"));
        Assert.Equal("active", (await api.Get($"/api/commitments/{commitmentId}")).Expect(HttpStatusCode.OK).Str("status"));
        Assert.Equal("booked", (await api.Get($"/api/appointments/{booked.Id()}")).Expect(HttpStatusCode.OK).Str("status"));

        (await api.Post($"/api/providers/{providerId}/deactivate", new { effectiveOn = "2027-03-10" })).ExpectValidation("reason");
        (await api.Post($"/api/providers/{providerId}/deactivate", new { reason = "x" })).ExpectValidation("effectiveOn");
    }

    [Fact]
    public async Task A_provider_without_commitments_is_simply_made_inactive()
    {
        await using var app = new ContingencyApp();
        var api = app.Api();
        var provider = await api.Enroll();
        var answer = (await api.Post($"/api/providers/{provider.Id()}/deactivate", new { effectiveOn = "2027-03-10", reason = "never started" }))
            .Expect(HttpStatusCode.OK);
        Assert.Equal(("inactive", 0, 0), (answer.GetProperty("provider").Str("status"),
            answer.GetProperty("withdrawnCommitments").GetArrayLength(), answer.GetProperty("displacedAppointments").GetArrayLength()));
    }

    [Fact]
    public async Task A_deactivation_racing_bookings_leaves_no_appointment_outside_a_commitment()
    {
        await using var app = new ContingencyApp();
        var api = app.Api();
        var program = await api.CreateProgram();
        var other = await api.CreateProgram();
        var outcomes = new Dictionary<string, int>();
        for (var round = 0; round < 40; round++)
        {
            var provider = await api.Enroll();
            var commitments = new[]
            {
                await api.Commit(program.Id(), Api.CommitmentBody(provider.Id())),
                await api.Commit(other.Id(), Api.CommitmentBody(provider.Id(), weekdays: ["Saturday"])),
            };

            using var gate = new SemaphoreSlim(0);
            async Task<(string Kind, Response Response)> Go(string kind, Func<Task<Response>> send)
            {
                await gate.WaitAsync();
                return (kind, await send());
            }
            var requests = new List<Task<(string Kind, Response Response)>>
            {
                Go("deactivate", () => app.Api().Post($"/api/providers/{provider.Id()}/deactivate", new { effectiveOn = "2027-03-15", reason = "leaving" })),
            };
            for (var hour = 9; hour <= 13; hour++)
            {
                var start = $"2027-03-{15 + round % 5:00}T{hour:00}:00:00-07:00";
                requests.Add(Go("book", () => app.Api().Post("/api/appointments", Api.BookingBody(provider.Id(), start, memberRef: $"M-{hour}"))));
            }
            requests.Add(Go("book", () => app.Api().Post("/api/appointments", Api.BookingBody(provider.Id(), "2027-03-20T09:00:00-07:00", memberRef: "M-sat"))));
            gate.Release(requests.Count);

            foreach (var (kind, response) in await Task.WhenAll(requests))
            {
                var outcome = $"{kind} {(int)response.Status} {(response.Status is HttpStatusCode.OK or HttpStatusCode.Created ? "" : response.Body.Str("code"))}".Trim();
                outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
                Assert.True(outcome is "deactivate 200" or "book 201" or "book 422 not-a-committed-slot", $"round {round}: {kind} answered {response.Raw}");
            }

            var ids = commitments.Select(c => c.Id()).ToList();
            var (ends, held) = await InDb(app, async db => (
                await db.Commitments.AsNoTracking().Where(c => ids.Contains(c.Id)).Select(c => new { c.Status, c.EndsOn }).ToListAsync(),
                await db.Appointments.AsNoTracking().Where(a => ids.Contains(a.CommitmentId) && a.HeldSlot != null).ToListAsync()));
            Assert.All(ends, c => Assert.Equal((Commitment.Withdrawn, new DateOnly(2027, 3, 14)), (c.Status, c.EndsOn)));
            Assert.True(held.Count == 0, $"round {round}: {string.Join(", ", held.Select(a => $"{a.Status} {a.Id} on {a.LocalDate}"))} still hold a withdrawn slot");
        }
        // The race went both ways: some bookings won (and were displaced), some lost.
        Assert.True(outcomes.ContainsKey("book 201") && outcomes.ContainsKey("book 422 not-a-committed-slot"),
            string.Join(", ", outcomes.Select(o => $"{o.Key}: {o.Value}")));
    }

    [Fact]
    public async Task A_commitment_racing_a_deactivation_is_refused_or_withdrawn_with_the_others()
    {
        await using var app = new ContingencyApp();
        var api = app.Api();
        var program = await api.CreateProgram();
        var outcomes = new Dictionary<string, int>();
        for (var round = 0; round < 30; round++)
        {
            var other = await api.CreateProgram();
            var provider = await api.Enroll();
            await api.Commit(program.Id(), Api.CommitmentBody(provider.Id()));

            using var gate = new SemaphoreSlim(0);
            async Task<(string Kind, Response Response)> Go(string kind, Func<Task<Response>> send)
            {
                await gate.WaitAsync();
                return (kind, await send());
            }
            var requests = new[]
            {
                Go("deactivate", () => app.Api().Post($"/api/providers/{provider.Id()}/deactivate", new { effectiveOn = "2027-03-15", reason = "leaving" })),
                Go("commit", () => app.Api().Post($"/api/programs/{other.Id()}/commitments", Api.CommitmentBody(provider.Id()))),
            };
            gate.Release(requests.Length);
            foreach (var (kind, response) in await Task.WhenAll(requests))
            {
                var outcome = $"{kind} {(int)response.Status} {(response.Status is HttpStatusCode.OK or HttpStatusCode.Created ? "" : response.Body.Str("code"))}".Trim();
                outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
                Assert.True(outcome is "deactivate 200" or "commit 201" or "commit 422 provider-inactive", $"round {round}: {kind} answered {response.Raw}");
            }

            var commitments = await InDb(app, db => db.Commitments.AsNoTracking().Where(c => c.ProviderId == provider.Id()).ToListAsync());
            Assert.All(commitments, c => Assert.True(c.Status == Commitment.Withdrawn && c.EndsOn == new DateOnly(2027, 3, 14),
                $"round {round}: commitment {c.Id} is {c.Status} to {c.EndsOn} after the provider's deactivation"));
        }
        Assert.True(outcomes.GetValueOrDefault("deactivate 200") == 30, string.Join(", ", outcomes.Select(o => $"{o.Key}: {o.Value}")));
    }

    private static async Task<T> InDb<T>(ContingencyApp app, Func<ContingencyDb, Task<T>> query)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<ContingencyDb>());
    }
}
