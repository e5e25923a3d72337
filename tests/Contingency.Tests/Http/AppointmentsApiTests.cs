namespace Contingency.Tests.Http;

using System.Net;
using Contingency.Tests.Support;

public sealed class AppointmentsApiTests(ContingencyApp app) : IClassFixture<ContingencyApp>
{
    private readonly Api api = app.Api();

    [Fact]
    public async Task Books_a_follow_up_and_judges_timely_access()
    {
        // Holiday on Monday 2027-03-08: the 10th business day after Friday 2027-03-05 is 2027-03-22.
        var (_, providerId, commitmentId) = await api.Scenario(holidays: ["2027-03-08"]);
        var response = await api.Post("/api/appointments", Api.BookingBody(providerId, "2027-03-22T14:00:00-07:00",
            kind: "follow-up", previousVisitOn: "2027-03-05"));
        var appointment = response.Expect(HttpStatusCode.Created);

        Assert.Equal("booked", appointment.Str("status"));
        Assert.Equal(providerId, appointment.Str("providerId"));
        Assert.Equal(commitmentId, appointment.Str("commitmentId"));
        Assert.Equal("2027-03-22T14:00:00-07:00", appointment.Str("start"));
        Assert.Equal("2027-03-22T15:00:00-07:00", appointment.Str("end"));
        Assert.Equal("follow-up", appointment.Str("kind"));
        Assert.Equal("M-000123", appointment.Str("memberRef"));
        Assert.Equal("2027-03-22", appointment.Str("followUpDueBy"));
        Assert.True(appointment.GetProperty("timelyAccessMet").GetBoolean());

        var late = await api.Book(Api.BookingBody(providerId, "2027-03-23T09:00:00-07:00", kind: "follow-up", previousVisitOn: "2027-03-05"));
        Assert.False(late.GetProperty("timelyAccessMet").GetBoolean());

        var intake = await api.Book(Api.BookingBody(providerId, "2027-03-23T10:00:00-07:00"));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, intake.GetProperty("followUpDueBy").ValueKind);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, intake.GetProperty("timelyAccessMet").ValueKind);

        var fetched = (await api.Get($"/api/appointments/{appointment.Id()}")).Expect(HttpStatusCode.OK);
        Assert.Equal(appointment.ToString(), fetched.ToString());
    }

    [Fact]
    public async Task The_same_instant_in_another_offset_is_the_same_slot()
    {
        var (_, providerId, _) = await api.Scenario();
        await api.Book(Api.BookingBody(providerId, "2027-03-02T17:00:00Z"));
        (await api.Post("/api/appointments", Api.BookingBody(providerId, "2027-03-02T09:00:00-08:00", memberRef: "M-9")))
            .ExpectProblem(HttpStatusCode.Conflict, "slot-taken");
    }

    [Fact]
    public async Task Booking_errors_carry_their_codes()
    {
        var (_, providerId, _) = await api.Scenario(holidays: ["2027-03-05"]);
        await api.Book(Api.BookingBody(providerId, "2027-03-01T09:00:00-08:00"));

        (await api.Post("/api/appointments", Api.BookingBody(providerId, "2027-03-01T09:00:00-08:00", memberRef: "M-2")))
            .ExpectProblem(HttpStatusCode.Conflict, "slot-taken");
        foreach (var notASlot in new[] { "2027-03-01T09:30:00-08:00", "2027-03-01T15:00:00-08:00", "2027-03-05T09:00:00-08:00", "2027-03-06T09:00:00-08:00", "2027-05-03T09:00:00-07:00" })
            (await api.Post("/api/appointments", Api.BookingBody(providerId, notASlot)))
                .ExpectProblem(HttpStatusCode.UnprocessableEntity, "not-a-committed-slot");
        (await api.Post("/api/appointments", Api.BookingBody(providerId, "2027-01-29T09:00:00-08:00")))
            .ExpectProblem(HttpStatusCode.UnprocessableEntity, "in-the-past");
        (await api.Post("/api/appointments", Api.BookingBody("nope", "2027-03-02T09:00:00-08:00")))
            .ExpectProblem(HttpStatusCode.NotFound, "not-found");
        (await api.Post("/api/appointments", Api.BookingBody(providerId, "2027-03-02T09:00:00-08:00", modality: "phone")))
            .ExpectProblem(HttpStatusCode.UnprocessableEntity, "modality-not-offered");
    }

    [Theory]
    [InlineData("kind", "walk-in")]
    [InlineData("previousVisitOn", null)]
    [InlineData("memberRef", "")]
    [InlineData("modality", "carrier-pigeon")]
    public async Task Booking_validation(string field, string? value)
    {
        var body = System.Text.Json.JsonSerializer.SerializeToNode(
            Api.BookingBody("p", "2027-03-02T09:00:00-08:00", kind: "follow-up", previousVisitOn: "2027-03-01"))!.AsObject();
        body[field] = value;
        (await api.Post("/api/appointments", body)).ExpectValidation(field);
    }

    [Fact]
    public async Task A_previous_visit_must_come_before_the_follow_up()
    {
        var (_, providerId, _) = await api.Scenario();
        (await api.Post("/api/appointments", Api.BookingBody(providerId, "2027-03-02T09:00:00-08:00", kind: "follow-up", previousVisitOn: "2027-03-02")))
            .ExpectValidation("previousVisitOn");
    }

    [Fact]
    public async Task Idempotency_key_replays_the_first_response()
    {
        var (_, providerId, _) = await api.Scenario();
        var body = Api.BookingBody(providerId, "2027-03-03T09:00:00-08:00");
        var first = (await api.Post("/api/appointments", body, idempotencyKey: "retry-1")).Expect(HttpStatusCode.Created);
        (await api.Post($"/api/appointments/{first.Id()}/cancel", new { reason = "x", initiatedBy = "plan" })).Expect(HttpStatusCode.OK);

        // The same key and body: the first response again, even though the appointment changed since.
        var again = (await api.Post("/api/appointments", body, idempotencyKey: "retry-1")).Expect(HttpStatusCode.Created);
        Assert.Equal(first.ToString(), again.ToString());

        (await api.Post("/api/appointments", Api.BookingBody(providerId, "2027-03-03T10:00:00-08:00"), idempotencyKey: "retry-1"))
            .ExpectProblem(HttpStatusCode.UnprocessableEntity, "idempotency-key-reused");
        // Without the key, the slot is free again after the cancellation.
        await api.Book(body);
    }

    [Fact]
    public async Task Transitions_follow_the_status()
    {
        var (_, providerId, _) = await api.Scenario();
        var a = await api.Book(Api.BookingBody(providerId, "2027-03-04T09:00:00-08:00"));
        var b = await api.Book(Api.BookingBody(providerId, "2027-03-04T10:00:00-08:00"));
        var c = await api.Book(Api.BookingBody(providerId, "2027-03-04T11:00:00-08:00"));

        Assert.Equal("completed", (await api.Post($"/api/appointments/{a.Id()}/complete", null)).Expect(HttpStatusCode.OK).Str("status"));
        Assert.Equal("no-show", (await api.Post($"/api/appointments/{b.Id()}/no-show", null)).Expect(HttpStatusCode.OK).Str("status"));
        var cancelled = (await api.Post($"/api/appointments/{c.Id()}/cancel", new { reason = "moved away", initiatedBy = "member" })).Expect(HttpStatusCode.OK);
        Assert.Equal("cancelled", cancelled.Str("status"));
        Assert.Equal("member", cancelled.Str("cancelInitiatedBy"));

        foreach (var (id, action) in new[] { (a.Id(), "complete"), (a.Id(), "no-show"), (b.Id(), "complete"), (c.Id(), "complete") })
            (await api.Post($"/api/appointments/{id}/{action}", null)).ExpectProblem(HttpStatusCode.Conflict, "invalid-transition");
        (await api.Post($"/api/appointments/{a.Id()}/cancel", new { reason = "x", initiatedBy = "plan" })).ExpectProblem(HttpStatusCode.Conflict, "invalid-transition");
        (await api.Post($"/api/appointments/{c.Id()}/reschedule", new { providerId, start = "2027-03-04T12:00:00-08:00" }))
            .ExpectProblem(HttpStatusCode.Conflict, "invalid-transition");

        // A completed or no-show appointment still holds its slot; a cancelled one frees it.
        (await api.Post("/api/appointments", Api.BookingBody(providerId, "2027-03-04T09:00:00-08:00"))).ExpectProblem(HttpStatusCode.Conflict, "slot-taken");
        (await api.Post("/api/appointments", Api.BookingBody(providerId, "2027-03-04T10:00:00-08:00"))).ExpectProblem(HttpStatusCode.Conflict, "slot-taken");
        await api.Book(Api.BookingBody(providerId, "2027-03-04T11:00:00-08:00"));
    }

    [Fact]
    public async Task Cancel_needs_an_initiator()
    {
        var (_, providerId, _) = await api.Scenario();
        var a = await api.Book(Api.BookingBody(providerId, "2027-03-04T09:00:00-08:00"));
        (await api.Post($"/api/appointments/{a.Id()}/cancel", new { reason = "x", initiatedBy = "aliens" })).ExpectValidation("initiatedBy");
    }

    [Fact]
    public async Task Reschedule_moves_the_booking_atomically()
    {
        var (programId, providerId, _) = await api.Scenario();
        var other = await api.Enroll();
        await api.Commit(programId, Api.CommitmentBody(other.Id()));

        var original = await api.Book(Api.BookingBody(providerId, "2027-03-08T09:00:00-08:00", kind: "follow-up", previousVisitOn: "2027-03-01"));
        var taken = await api.Book(Api.BookingBody(other.Id(), "2027-03-09T09:00:00-08:00", memberRef: "M-7"));

        // Onto a taken slot: nothing changes.
        (await api.Post($"/api/appointments/{original.Id()}/reschedule", new { providerId = other.Id(), start = "2027-03-09T09:00:00-08:00" }))
            .ExpectProblem(HttpStatusCode.Conflict, "slot-taken");
        (await api.Post($"/api/appointments/{original.Id()}/reschedule", new { providerId, start = "2027-03-08T09:00:00-08:00" }))
            .ExpectProblem(HttpStatusCode.Conflict, "slot-taken");
        (await api.Post($"/api/appointments/{original.Id()}/reschedule", new { providerId, start = "2027-03-08T09:30:00-08:00" }))
            .ExpectProblem(HttpStatusCode.UnprocessableEntity, "not-a-committed-slot");
        Assert.Equal("booked", (await api.Get($"/api/appointments/{original.Id()}")).Body.Str("status"));

        var moved = (await api.Post($"/api/appointments/{original.Id()}/reschedule", new { providerId = other.Id(), start = "2027-03-22T10:00:00-07:00" }))
            .Expect(HttpStatusCode.Created);
        Assert.Equal("booked", moved.Str("status"));
        Assert.Equal(other.Id(), moved.Str("providerId"));
        Assert.Equal("M-000123", moved.Str("memberRef"));
        Assert.Equal("follow-up", moved.Str("kind"));
        Assert.Equal("2027-03-15", moved.Str("followUpDueBy"));
        Assert.False(moved.GetProperty("timelyAccessMet").GetBoolean());
        Assert.Equal(original.Id(), moved.Str("rescheduledFromId"));

        var old = (await api.Get($"/api/appointments/{original.Id()}")).Expect(HttpStatusCode.OK);
        Assert.Equal("cancelled", old.Str("status"));
        Assert.Equal(moved.Id(), old.Str("rescheduledToId"));
        await api.Book(Api.BookingBody(providerId, "2027-03-08T09:00:00-08:00", memberRef: "M-8")); // the old slot is free
        Assert.Equal("booked", (await api.Get($"/api/appointments/{taken.Id()}")).Body.Str("status"));
        (await api.Post("/api/appointments/nope/reschedule", new { providerId, start = "2027-03-08T10:00:00-08:00" })).ExpectProblem(HttpStatusCode.NotFound, "not-found");
        (await api.Post("/api/appointments/nope/cancel", new { reason = "x", initiatedBy = "plan" })).ExpectProblem(HttpStatusCode.NotFound, "not-found");
        (await api.Post("/api/appointments/nope/complete", null)).ExpectProblem(HttpStatusCode.NotFound, "not-found");
        (await api.Post("/api/appointments/nope/no-show", null)).ExpectProblem(HttpStatusCode.NotFound, "not-found");
        (await api.Get("/api/appointments/nope")).ExpectProblem(HttpStatusCode.NotFound, "not-found");
    }

    [Fact]
    public async Task Member_references_never_reach_the_logs()
    {
        var (_, providerId, _) = await api.Scenario();
        var secret = $"M-{Guid.NewGuid():N}";
        var a = await api.Book(Api.BookingBody(providerId, "2027-03-10T09:00:00-08:00", memberRef: secret));
        await api.Post("/api/appointments", Api.BookingBody(providerId, "2027-03-10T09:00:00-08:00", memberRef: secret));
        await api.Post($"/api/appointments/{a.Id()}/reschedule", new { providerId, start = "2027-03-10T10:00:00-08:00" });
        await api.Post($"/api/appointments/{a.Id()}/cancel", new { reason = "x", initiatedBy = "plan" });

        Assert.Contains(app.Logs.Lines, l => l.Contains(a.Id()));
        Assert.DoesNotContain(app.Logs.Lines, l => l.Contains(secret));
    }
}
