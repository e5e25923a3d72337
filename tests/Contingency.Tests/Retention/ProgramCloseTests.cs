namespace Contingency.Tests.Retention;

using System.Net;
using System.Text.Json;
using Contingency.Tests.Support;
using Ical.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Closing a program (POST /api/programs/{id}/close): only once its end date has passed, only with
/// every payment released, and with past appointments given an outcome or, forced, marked unresolved.
/// Afterwards every write to the program is 422 program-closed.
/// </summary>
public sealed class ProgramCloseTests
{
    /// <summary>The sample program (2027-03-01, 8 weeks) ends on Sunday 2027-04-25 in Los Angeles.</summary>
    private static readonly DateTimeOffset LastDayEvening = new(2027, 4, 25, 23, 0, 0, TimeSpan.FromHours(-7));
    private static readonly DateTimeOffset DayAfter = new(2027, 4, 26, 0, 0, 0, TimeSpan.FromHours(-7));

    private sealed record Closable(ContingencyApp App, Api Api, string ProgramId, string ProviderId, string CommitmentId,
        string Completed, string[] Open);

    /// <summary>Three bookings, one completed, two left booked; the program's last day passed and its payments released.</summary>
    private static async Task<Closable> EndedProgram()
    {
        var app = new ContingencyApp { SchedulerRuns = false };
        var api = app.Api();
        var (programId, providerId, commitmentId) = await api.Scenario();
        var completed = (await api.Book(Api.BookingBody(providerId, "2027-03-02T09:00:00-08:00", memberRef: "M-CLOSE-1"))).Id();
        var open1 = (await api.Book(Api.BookingBody(providerId, "2027-03-03T09:00:00-08:00", memberRef: "M-CLOSE-2"))).Id();
        var open2 = (await api.Book(Api.BookingBody(providerId, "2027-04-23T10:00:00-07:00", memberRef: "M-CLOSE-1"))).Id();
        app.Clock.SetUtcNow(new DateTimeOffset(2027, 3, 2, 18, 0, 0, TimeSpan.Zero));
        (await api.Post($"/api/appointments/{completed}/complete", null)).Expect(HttpStatusCode.OK);
        return new Closable(app, api, programId, providerId, commitmentId, completed, [open1, open2]);
    }

    [Fact]
    public async Task Closing_is_refused_until_the_end_date_has_passed_in_the_programs_zone()
    {
        var p = await EndedProgram();
        await using var _ = p.App;
        (await p.Api.Post($"/api/programs/{p.ProgramId}/close", new { force = true })).ExpectProblem(HttpStatusCode.UnprocessableEntity, "program-not-ended");
        p.App.Clock.SetUtcNow(LastDayEvening);
        (await p.Api.Post($"/api/programs/{p.ProgramId}/close", new { force = true })).ExpectProblem(HttpStatusCode.UnprocessableEntity, "program-not-ended");
        // Refused, nothing changed: the program is open and takes writes.
        Assert.Equal(JsonValueKind.Null, (await p.Api.Get($"/api/programs/{p.ProgramId}")).Expect(HttpStatusCode.OK).GetProperty("closedAt").ValueKind);
        (await p.Api.Post($"/api/appointments/{p.Open[0]}/no-show", null)).Expect(HttpStatusCode.OK);
        (await p.Api.Post("/api/programs/nope/close", null)).ExpectProblem(HttpStatusCode.NotFound, "not-found");
    }

    [Fact]
    public async Task Closing_waits_for_the_payments_then_lists_the_open_appointments_then_forced_marks_them_unresolved()
    {
        var p = await EndedProgram();
        await using var _ = p.App;
        p.App.Clock.SetUtcNow(DayAfter);

        // Every advance fell due while no run released it (the scheduler is off here).
        var outstanding = (await p.Api.Post($"/api/programs/{p.ProgramId}/close", null)).ExpectProblem(HttpStatusCode.Conflict, "payments-outstanding");
        Assert.Equal(9, outstanding.GetProperty("paymentIds").GetArrayLength()); // the signing bonus and eight weekly advances
        Assert.Equal(9, outstanding.Int("count"));
        Assert.True((await p.Api.Post($"/api/programs/{p.ProgramId}/payment-runs", null)).Expect(HttpStatusCode.OK).Int("released") == 9);

        // No body, or force false: refused with the two past appointments that have no outcome, oldest first.
        var refused = (await p.Api.Post($"/api/programs/{p.ProgramId}/close", null)).ExpectProblem(HttpStatusCode.Conflict, "open-appointments");
        Assert.Equal(p.Open, refused.GetProperty("appointmentIds").EnumerateArray().Select(e => e.GetString()!));
        Assert.Equal(2, refused.Int("count"));
        (await p.Api.Post($"/api/programs/{p.ProgramId}/close", new { force = false })).ExpectProblem(HttpStatusCode.Conflict, "open-appointments");
        Assert.Equal("booked", (await p.Api.Get($"/api/appointments/{p.Open[0]}")).Expect(HttpStatusCode.OK).Str("status"));

        var closed = (await p.Api.Post($"/api/programs/{p.ProgramId}/close", new { force = true })).Expect(HttpStatusCode.OK);
        // In the program's zone, as every instant of a program.
        Assert.Equal("2027-04-26T00:00:00-07:00", closed.Str("closedAt"));
        foreach (var id in p.Open)
        {
            var appointment = (await p.Api.Get($"/api/appointments/{id}")).Expect(HttpStatusCode.OK);
            Assert.Equal("unresolved", appointment.Str("status"));
        }
        Assert.Equal("completed", (await p.Api.Get($"/api/appointments/{p.Completed}")).Expect(HttpStatusCode.OK).Str("status"));
        // FHIR has no such status: the appointment stays as it was left, booked, and says why.
        var fhir = (await p.Api.Get($"/fhir/Appointment/{p.Open[0]}")).Expect(HttpStatusCode.OK);
        Assert.Equal(("booked", true), (fhir.Str("status"), fhir.Str("comment").Contains("Unresolved", StringComparison.Ordinal)));
        var listed = (await p.Api.Get($"/api/appointments?programId={p.ProgramId}&status=unresolved")).Expect(HttpStatusCode.OK);
        Assert.Equal(p.Open.Order(), listed.GetProperty("items").EnumerateArray().Select(a => a.Id()).Order());

        // The provider's calendar still holds the slot (busy) and says the appointment was left unresolved.
        var feedUrl = (await p.Api.Post($"/api/providers/{p.ProviderId}/calendar-feed", null)).Expect(HttpStatusCode.OK).Str("url");
        var calendar = Calendar.Load(await p.App.ClientWith(null).GetStringAsync(feedUrl))!;
        var lastOpen = Assert.Single(calendar.Events, e => e.DtStart!.Value == new DateTime(2027, 4, 23, 10, 0, 0));
        Assert.Equal(("Intake appointment (unresolved)", TransparencyType.Opaque), (lastOpen.Summary, lastOpen.Transparency));

        // The close is in the audit trail, and the payment run's job is gone from the scheduler.
        var audit = (await p.Api.Get($"/api/audit?entityType=program&entityId={p.ProgramId}")).Expect(HttpStatusCode.OK);
        Assert.Contains(audit.GetProperty("items").EnumerateArray(), e => e.Str("action") == "close-program" && e.Str("summary").Contains("closedAt"));
        var jobs = (await p.Api.Get("/api/jobs")).Expect(HttpStatusCode.OK);
        Assert.DoesNotContain(jobs.EnumerateArray(), j => j.Str("job").Contains(p.ProgramId));
    }

    [Fact]
    public async Task Without_open_appointments_a_program_closes_without_force_and_every_write_to_it_is_then_422()
    {
        var p = await EndedProgram();
        await using var _ = p.App;
        p.App.Clock.SetUtcNow(new DateTimeOffset(2027, 3, 4, 18, 0, 0, TimeSpan.Zero));
        (await p.Api.Post($"/api/appointments/{p.Open[0]}/no-show", null)).Expect(HttpStatusCode.OK);
        (await p.Api.Post($"/api/appointments/{p.Open[1]}/cancel", new { reason = "moved away", initiatedBy = "member" })).Expect(HttpStatusCode.OK);
        // A displaced appointment, for the rebooking route: the provider withdrew from one day.
        var displaced = (await p.Api.Book(Api.BookingBody(p.ProviderId, "2027-04-23T11:00:00-07:00", memberRef: "M-CLOSE-3"))).Id();
        (await p.Api.Post($"/api/commitments/{p.CommitmentId}/withdraw", new { effectiveOn = "2027-04-23", reason = "leave" })).Expect(HttpStatusCode.OK);
        Assert.Equal("displaced", (await p.Api.Get($"/api/appointments/{displaced}")).Expect(HttpStatusCode.OK).Str("status"));
        p.App.Clock.SetUtcNow(DayAfter);
        (await p.Api.Post($"/api/programs/{p.ProgramId}/payment-runs", null)).Expect(HttpStatusCode.OK);
        (await p.Api.Post($"/api/programs/{p.ProgramId}/close", null)).Expect(HttpStatusCode.OK);

        var other = await p.Api.Enroll();
        var writes = new (string Method, string Pattern, Func<Task<Response>> Send)[]
        {
            ("POST", "/api/appointments", () => p.Api.Post("/api/appointments", Api.BookingBody(p.ProviderId, "2027-04-22T09:00:00-07:00"))),
            ("POST", "/api/appointments/{id}/cancel", () => p.Api.Post($"/api/appointments/{p.Completed}/cancel", new { reason = "x", initiatedBy = "plan" })),
            ("POST", "/api/appointments/{id}/complete", () => p.Api.Post($"/api/appointments/{p.Open[0]}/complete", null)),
            ("POST", "/api/appointments/{id}/no-show", () => p.Api.Post($"/api/appointments/{p.Completed}/no-show", null)),
            ("POST", "/api/appointments/{id}/reschedule", () => p.Api.Post($"/api/appointments/{p.Completed}/reschedule",
                new { providerId = p.ProviderId, start = "2027-04-22T10:00:00-07:00" })),
            ("POST", "/api/appointments/{id}/rebook", () => p.Api.Post($"/api/appointments/{displaced}/rebook",
                new { providerId = p.ProviderId, start = "2027-04-22T10:00:00-07:00" })),
            ("POST", "/api/programs/{programId}/commitments", () => p.Api.Post($"/api/programs/{p.ProgramId}/commitments", Api.CommitmentBody(other.Id()))),
            ("POST", "/api/programs/{programId}/commitments/preview", () => p.Api.Post($"/api/programs/{p.ProgramId}/commitments/preview", Api.CommitmentBody(other.Id()))),
            ("POST", "/api/commitments/{id}/withdraw", () => p.Api.Post($"/api/commitments/{p.CommitmentId}/withdraw", new { effectiveOn = "2027-04-27", reason = "leave" })),
            ("POST", "/api/programs/{id}/extend", () => p.Api.Post($"/api/programs/{p.ProgramId}/extend", new { weeks = 2 })),
            ("PUT", "/api/programs/{id}/demand", () => p.Api.Put($"/api/programs/{p.ProgramId}/demand", new Dictionary<string, int> { ["Santa Rosa"] = 10 })),
            ("POST", "/api/programs/{id}/payment-runs", () => p.Api.Post($"/api/programs/{p.ProgramId}/payment-runs", null)),
            ("POST", "/api/programs/{id}/close", () => p.Api.Post($"/api/programs/{p.ProgramId}/close", new { force = true })),
        };
        foreach (var (method, pattern, send) in writes)
        {
            var response = await send();
            Assert.True(response.Status == HttpStatusCode.UnprocessableEntity, $"{method} {pattern}: {(int)response.Status} {response.Raw}");
            response.ExpectProblem(HttpStatusCode.UnprocessableEntity, "program-closed");
        }
        // Nothing changed: the extension did not extend, the refused cancel did not cancel.
        Assert.Equal(8, (await p.Api.Get($"/api/programs/{p.ProgramId}")).Expect(HttpStatusCode.OK).Int("weeks"));
        Assert.Equal("completed", (await p.Api.Get($"/api/appointments/{p.Completed}")).Expect(HttpStatusCode.OK).Str("status"));

        // Every write route of the API is above, or writes to no program (providers are shared by programs).
        var notProgramWrites = new HashSet<string>
        {
            "POST /api/programs", "POST /api/providers", "PATCH /api/providers/{id}", "POST /api/providers/{id}/deactivate",
            "POST /api/providers/{id}/deactivate/preview", "POST /api/providers/import", "POST /api/providers/import/preview",
            "POST /api/providers/{id}/calendar-feed",
        };
        var covered = writes.Select(w => $"{w.Method} {w.Pattern}").ToHashSet();
        var routes = p.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api", StringComparison.Ordinal) == true)
            .SelectMany(e => e.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods
                .Where(m => m is not ("GET" or "HEAD"))
                .Select(m => $"{m} {e.RoutePattern.RawText!.TrimEnd('/')}"))
            .ToList();
        Assert.True(routes.Count > writes.Length, $"only {routes.Count} write routes found");
        Assert.All(routes, r => Assert.True(covered.Contains(r) || notProgramWrites.Contains(r), $"{r} is not checked against a closed program"));
    }

    /// <summary>
    /// A forced close while the outcomes of its open appointments are being recorded: each appointment
    /// ends with exactly one of the two writes. An outcome that was answered 200 is the appointment's
    /// status; one that was refused left it to the close, which marked it unresolved; and the program is
    /// closed exactly when the close was answered 200 (a close that lost the race changed nothing).
    /// </summary>
    [Fact]
    public async Task A_forced_close_and_outcomes_recorded_at_once_never_overwrite_each_other()
    {
        var p = await EndedProgram();
        await using var _ = p.App;
        p.App.Clock.SetUtcNow(DayAfter);
        (await p.Api.Post($"/api/programs/{p.ProgramId}/payment-runs", null)).Expect(HttpStatusCode.OK);

        var outcomes = new[] { ("complete", "completed"), ("no-show", "no-show") };
        var answers = await Concurrently.AllAtOnce(3, i => i == 0
            ? p.Api.Post($"/api/programs/{p.ProgramId}/close", new { force = true })
            : p.Api.Post($"/api/appointments/{p.Open[i - 1]}/{outcomes[i - 1].Item1}", null));

        var close = answers[0];
        Assert.True(close.Status is HttpStatusCode.OK or HttpStatusCode.Conflict, $"close: {(int)close.Status} {close.Raw}");
        var program = (await p.Api.Get($"/api/programs/{p.ProgramId}")).Expect(HttpStatusCode.OK);
        Assert.Equal(close.Status == HttpStatusCode.OK, program.GetProperty("closedAt").ValueKind == JsonValueKind.String);
        for (var i = 0; i < p.Open.Length; i++)
        {
            var (answer, status) = (answers[i + 1], (await p.Api.Get($"/api/appointments/{p.Open[i]}")).Expect(HttpStatusCode.OK).Str("status"));
            if (answer.Status == HttpStatusCode.OK)
            {
                Assert.Equal(outcomes[i].Item2, status);
                continue;
            }
            // Refused: the close got there first (program-closed, or the status had moved on under it).
            Assert.True(answer.Status is HttpStatusCode.UnprocessableEntity or HttpStatusCode.Conflict, $"{outcomes[i].Item1}: {(int)answer.Status} {answer.Raw}");
            Assert.Equal(HttpStatusCode.OK, close.Status);
            Assert.Equal("unresolved", status);
        }
        if (close.Status != HttpStatusCode.OK)
        {
            // A close that lost the race is refused as a lost race, and the outcomes it raced were all recorded.
            Assert.Contains(close.Body.Str("code"), new[] { "concurrent-update", "invalid-transition" });
            Assert.All(answers.Skip(1), a => Assert.Equal(HttpStatusCode.OK, a.Status));
        }
    }

    /// <summary>
    /// A close and an extension of the same program at once: one of them wins. Either the program is
    /// closed with its old weeks and the extension refused, or it was extended first and is still open
    /// (its end date moved, so the close is refused as early). Never both, never a closed program
    /// with more weeks.
    /// </summary>
    [Fact]
    public async Task A_close_and_an_extension_at_once_never_both_succeed()
    {
        var p = await EndedProgram();
        await using var _ = p.App;
        p.App.Clock.SetUtcNow(new DateTimeOffset(2027, 3, 4, 18, 0, 0, TimeSpan.Zero));
        foreach (var id in p.Open) (await p.Api.Post($"/api/appointments/{id}/complete", null)).Expect(HttpStatusCode.OK);
        p.App.Clock.SetUtcNow(DayAfter);
        (await p.Api.Post($"/api/programs/{p.ProgramId}/payment-runs", null)).Expect(HttpStatusCode.OK);

        var answers = await Concurrently.AllAtOnce(2, i => i == 0
            ? p.Api.Post($"/api/programs/{p.ProgramId}/close", null)
            : p.Api.Post($"/api/programs/{p.ProgramId}/extend", new { weeks = 1 }));
        var (close, extend) = (answers[0], answers[1]);
        var program = (await p.Api.Get($"/api/programs/{p.ProgramId}")).Expect(HttpStatusCode.OK);
        if (close.Status == HttpStatusCode.OK)
        {
            extend.ExpectProblem(HttpStatusCode.UnprocessableEntity, "program-closed");
            Assert.Equal((8, JsonValueKind.String), (program.Int("weeks"), program.GetProperty("closedAt").ValueKind));
        }
        else
        {
            extend.Expect(HttpStatusCode.OK);
            close.ExpectProblem(HttpStatusCode.UnprocessableEntity, "program-not-ended");
            Assert.Equal((9, JsonValueKind.Null), (program.Int("weeks"), program.GetProperty("closedAt").ValueKind));
        }
    }
}
