namespace Contingency.Tests.Screens;

using System.Net;
using System.Text.Json;
using Bunit;
using Contingency.Features.Booking;
using Contingency.Features.Displaced;
using Contingency.Features.Slots;
using Contingency.Infrastructure.Security;
using Contingency.Screens;
using Contingency.Tests.Support;

/// <summary>The scheduling screens as components over a real service: booking once per form, transitions by status, the worklist.</summary>
public sealed class SchedulingScreenTests(ContingencyApp app) : IClassFixture<ContingencyApp>
{
    private readonly Api api = app.Api();

    [Fact]
    public async Task Two_submits_of_one_booking_form_book_one_appointment()
    {
        var (_, providerId, _) = await api.Scenario();
        await using var screen = new ScreenContext(app, Roles.Scheduling);
        var draft = new BookingDraft(providerId, DateTimeOffset.Parse("2027-03-01T09:00:00-08:00", System.Globalization.CultureInfo.InvariantCulture));
        var form = screen.Render<BookingForm>(p => p.Add(f => f.Draft, draft));
        form.Find("input[type=text]").Change("M-000777");

        // The second submit goes in before the first is answered, as a double click's would before the button
        // is disabled: the first booking request is held until the second one is on its way.
        var secondSent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var posts = 0;
        screen.BeforeSend = request =>
        {
            if (request.Method != HttpMethod.Post) return Task.CompletedTask;
            if (Interlocked.Increment(ref posts) == 1) return secondSent.Task.WaitAsync(TimeSpan.FromSeconds(20));
            secondSent.TrySetResult();
            return Task.CompletedTask;
        };
        var first = form.Find("form").SubmitAsync();
        form.WaitForAssertion(() => Assert.Equal(1, Volatile.Read(ref posts)));
        await form.Find("form").SubmitAsync();
        await first;

        form.WaitForAssertion(() => Assert.StartsWith("Booked:", form.Find("[role=status]").TextContent.Trim()));
        // Both submits reached the API and both were answered 201 with the one booking: the key, not the
        // button, made the second one harmless (without it the second would have been 409 slot-taken).
        var answered = screen.Answers.Where(a => a.Method == "POST" && a.Path == "/api/appointments").ToList();
        Assert.Equal([201, 201], answered.Select(a => a.Status));
        var list = (await api.Get($"/api/appointments?providerId={providerId}")).Expect(HttpStatusCode.OK);
        Assert.Equal(1, list.Int("total"));
        var booked = list.GetProperty("items")[0];
        Assert.Equal("M-000777", booked.Str("memberRef"));
        Assert.Contains(booked.Id(), form.Find("[role=status] a").GetAttribute("href"));
    }

    [Fact]
    public async Task A_follow_up_without_its_previous_visit_is_not_sent()
    {
        var (_, providerId, _) = await api.Scenario();
        await using var screen = new ScreenContext(app, Roles.Scheduling);
        var form = screen.Render<BookingForm>(p => p.Add(f => f.Draft,
            new BookingDraft(providerId, DateTimeOffset.Parse("2027-03-01T09:00:00-08:00", System.Globalization.CultureInfo.InvariantCulture))));
        form.Find("input[type=text]").Change("M-000778");
        form.Find("select").Change("follow-up");
        await form.Find("form").SubmitAsync();
        Assert.Equal("A follow-up needs the date of the previous visit.", form.Find("[role=alert]").TextContent);
        Assert.Equal(0, (await api.Get($"/api/appointments?providerId={providerId}")).Expect(HttpStatusCode.OK).Int("total"));
    }

    [Fact]
    public async Task A_refused_booking_shows_the_api_s_refusal()
    {
        var (_, providerId, _) = await api.Scenario();
        await api.Book(Api.BookingBody(providerId, "2027-03-01T09:00:00-08:00"));
        await using var screen = new ScreenContext(app, Roles.Scheduling);
        var form = screen.Render<BookingForm>(p => p.Add(f => f.Draft,
            new BookingDraft(providerId, DateTimeOffset.Parse("2027-03-01T09:00:00-08:00", System.Globalization.CultureInfo.InvariantCulture))));
        form.Find("input[type=text]").Change("M-000779");
        await form.Find("form").SubmitAsync();
        var refusal = (await api.Post("/api/appointments", Api.BookingBody(providerId, "2027-03-01T09:00:00-08:00", memberRef: "M-000779")))
            .ExpectProblem(HttpStatusCode.Conflict, "slot-taken");
        form.WaitForAssertion(() => Assert.Equal(refusal.Str("detail"), form.Find("[role=alert]").TextContent));
        Assert.Equal(1, (await api.Get($"/api/appointments?providerId={providerId}")).Expect(HttpStatusCode.OK).Int("total"));
    }

    [Fact]
    public async Task The_search_shows_the_api_s_free_slots()
    {
        var (programId, _, _) = await api.Scenario();
        await using var screen = new ScreenContext(app, Roles.Scheduling);
        var page = screen.Render<SchedulingScreen>(p => p.Add(s => s.ProgramId, programId));
        page.WaitForAssertion(() => page.Find("#region"));
        page.Find("#region").Change("Santa Rosa");
        page.Find("#modality").Change("video");
        await page.Find("form[aria-label='Free-slot search']").SubmitAsync();

        var expected = (await api.Get($"/api/programs/{programId}/slots?region=Santa%20Rosa&modality=video&limit={SlotSearch.Limit}"))
            .Expect(HttpStatusCode.OK).EnumerateArray().ToList();
        page.WaitForAssertion(() => Assert.Equal(expected.Count, page.FindAll("table.slots tbody tr").Count));
        var shown = page.FindAll("td.slot-start").Select(c => c.TextContent).ToList();
        Assert.Equal(expected.Select(s => Show.Time(s.GetProperty("start").GetDateTimeOffset())), shown);
    }

    [Fact]
    public async Task The_transitions_offered_follow_the_status()
    {
        var (_, providerId, _) = await api.Scenario();
        var booked = await api.Book(Api.BookingBody(providerId, "2027-03-01T10:00:00-08:00"));
        await using var screen = new ScreenContext(app, Roles.Scheduling);
        var page = screen.Render<AppointmentScreen>(p => p.Add(s => s.Id, booked.Id()));
        page.WaitForAssertion(() => Assert.Equal(["Cancel…", "Complete…", "No-show…", "Reschedule…"],
            page.FindAll("[aria-label=Transitions] button").Select(b => b.TextContent)));

        page.FindAll("[aria-label=Transitions] button").Single(b => b.TextContent == "Cancel…").Click();
        page.Find("#reason").Change("moved away");
        page.Find("#initiated-by").Change("provider");
        await page.FindAll("button").Single(b => b.TextContent == "Confirm cancel").ClickAsync(new());

        page.WaitForAssertion(() => Assert.Equal("cancelled", page.Find(".appointment-status").TextContent));
        Assert.Empty(page.FindAll("[aria-label=Transitions] button"));
        var after = (await api.Get($"/api/appointments/{booked.Id()}")).Expect(HttpStatusCode.OK);
        Assert.Equal("cancelled", after.Str("status"));
        Assert.Equal("provider", after.Str("cancelInitiatedBy"));
    }

    [Fact]
    public async Task A_refused_transition_is_shown_and_the_appointment_stays()
    {
        var (_, providerId, _) = await api.Scenario();
        var booked = await api.Book(Api.BookingBody(providerId, "2027-03-01T11:00:00-08:00"));
        await using var screen = new ScreenContext(app, Roles.Scheduling);
        var page = screen.Render<AppointmentScreen>(p => p.Add(s => s.Id, booked.Id()));
        page.WaitForAssertion(() => Assert.Equal(4, page.FindAll("[aria-label=Transitions] button").Count));
        page.FindAll("[aria-label=Transitions] button").Single(b => b.TextContent == "Complete…").Click();
        // Someone else marks it a no-show first: the screen's confirmation is refused as the API refuses it.
        (await api.Post($"/api/appointments/{booked.Id()}/no-show", null)).Expect(HttpStatusCode.OK);
        await page.FindAll("button").Single(b => b.TextContent == "Confirm complete").ClickAsync(new());
        page.WaitForAssertion(() => Assert.Contains("no-show", page.Find("[role=alert]").TextContent));
        Assert.Equal("no-show", (await api.Get($"/api/appointments/{booked.Id()}")).Expect(HttpStatusCode.OK).Str("status"));
    }

    [Fact]
    public async Task The_worklist_shows_the_api_s_suggestions_and_a_rebook_removes_the_item()
    {
        var (programId, providerId, commitmentId) = await api.Scenario();
        var other = await api.Enroll();
        await api.Commit(programId, Api.CommitmentBody(other.Id()));
        await api.Book(Api.BookingBody(providerId, "2027-03-02T09:00:00-08:00", memberRef: "M-100001"));
        await api.Book(Api.BookingBody(providerId, "2027-03-02T10:00:00-08:00", memberRef: "M-100002"));
        (await api.Post($"/api/commitments/{commitmentId}/withdraw", new { effectiveOn = "2027-03-02", reason = "strike over for her" }))
            .Expect(HttpStatusCode.OK);

        var worklist = (await api.Get($"/api/programs/{programId}/displaced")).Expect(HttpStatusCode.OK).EnumerateArray().ToList();
        Assert.Equal(2, worklist.Count);
        await using var screen = new ScreenContext(app, Roles.Scheduling);
        var page = screen.Render<DisplacedWorklist>(p => p.Add(s => s.ProgramId, programId));
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("li.displaced-item").Count));
        for (var i = 0; i < worklist.Count; i++)
        {
            var expected = worklist[i].GetProperty("suggestions").EnumerateArray()
                .Select(s => $"Rebook onto {Show.Time(s.GetProperty("start").GetDateTimeOffset())} with provider {s.Str("providerId")}").ToList();
            Assert.NotEmpty(expected);
            Assert.Equal(expected, page.FindAll("li.displaced-item")[i].QuerySelectorAll("button").Select(b => b.GetAttribute("aria-label")));
        }

        var first = worklist[0];
        var suggestion = first.GetProperty("suggestions")[0];
        await page.Find("li.displaced-item button").ClickAsync(new());

        page.WaitForAssertion(() => Assert.Single(page.FindAll("li.displaced-item")));
        var rebookedAs = (await api.Get($"/api/appointments/{first.Str("appointmentId")}")).Expect(HttpStatusCode.OK).Str("rebookedAs");
        var replacement = (await api.Get($"/api/appointments/{rebookedAs}")).Expect(HttpStatusCode.OK);
        Assert.Equal(suggestion.Str("providerId"), replacement.Str("providerId"));
        Assert.Equal(suggestion.GetProperty("start").GetDateTimeOffset(), replacement.GetProperty("start").GetDateTimeOffset());
        Assert.Equal($"/appointments/{rebookedAs}", page.Find("p.done a").GetAttribute("href"));
        Assert.Single((await api.Get($"/api/programs/{programId}/displaced")).Expect(HttpStatusCode.OK).EnumerateArray());
    }

    [Fact]
    public async Task A_reschedule_moves_the_appointment_to_the_chosen_free_slot()
    {
        var (programId, providerId, _) = await api.Scenario();
        var booked = await api.Book(Api.BookingBody(providerId, "2027-03-01T12:00:00-08:00"));
        await using var screen = new ScreenContext(app, Roles.Scheduling);
        var page = screen.Render<AppointmentScreen>(p => p.Add(s => s.Id, booked.Id()));
        page.WaitForAssertion(() => Assert.Equal(4, page.FindAll("[aria-label=Transitions] button").Count));
        await page.FindAll("[aria-label=Transitions] button").Single(b => b.TextContent == "Reschedule…").ClickAsync(new());

        var free = (await api.Get($"/api/programs/{programId}/slots?modality=video&limit={SlotSearch.Limit}")).Expect(HttpStatusCode.OK)
            .EnumerateArray().ToList();
        page.WaitForAssertion(() => Assert.Equal(free.Count + 1, page.FindAll("#new-slot option").Count));
        page.Find("#new-slot").Change("1");
        await page.FindAll("button").Single(b => b.TextContent == "Confirm reschedule").ClickAsync(new());

        page.WaitForAssertion(() => Assert.Equal("cancelled", page.Find(".appointment-status").TextContent));
        var old = (await api.Get($"/api/appointments/{booked.Id()}")).Expect(HttpStatusCode.OK);
        var moved = (await api.Get($"/api/appointments/{old.Str("rescheduledToId")}")).Expect(HttpStatusCode.OK);
        Assert.Equal(free[1].GetProperty("start").GetDateTimeOffset(), moved.GetProperty("start").GetDateTimeOffset());
        Assert.Equal(free[1].Str("providerId"), moved.Str("providerId"));
        Assert.Equal($"/appointments/{moved.Id()}", page.FindAll(".facts a").Single().GetAttribute("href"));
    }

    [Fact]
    public async Task The_appointment_list_of_a_day_is_the_api_s()
    {
        var (programId, providerId, _) = await api.Scenario();
        await api.Book(Api.BookingBody(providerId, "2027-03-01T09:00:00-08:00", memberRef: "M-200001"));
        await api.Book(Api.BookingBody(providerId, "2027-03-01T10:00:00-08:00", memberRef: "M-200002"));
        await api.Book(Api.BookingBody(providerId, "2027-03-02T10:00:00-08:00", memberRef: "M-200003"));
        await using var screen = new ScreenContext(app, Roles.Scheduling);
        var page = screen.Render<AppointmentList>(p => p.Add(s => s.ProgramId, programId));
        page.WaitForAssertion(() => Assert.Equal("No appointment matches these filters.", page.Find("[role=status]").TextContent));

        page.Find("#day").Change("2027-03-01");
        await page.Find("form").SubmitAsync();
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("table.appointments tbody tr").Count));
        Assert.Equal(["M-200001", "M-200002"], page.FindAll("table.appointments tbody tr td:nth-child(3)").Select(c => c.TextContent));
        Assert.Equal(2, (await api.Get($"/api/appointments?programId={programId}&from=2027-03-01&to=2027-03-01")).Expect(HttpStatusCode.OK).Int("total"));
    }

    [Fact]
    public async Task A_search_made_while_the_list_opens_is_not_replaced_by_the_opening_list()
    {
        var (programId, providerId, _) = await api.Scenario();
        await api.Book(Api.BookingBody(providerId, "2027-03-01T09:00:00-08:00", memberRef: "M-200101"));
        await using var screen = new ScreenContext(app, Roles.Scheduling);
        // The list opening on today is held until the person's search has been answered.
        var opening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var searched = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        screen.BeforeSend = request =>
        {
            var path = request.RequestUri!.PathAndQuery;
            if (!path.StartsWith("/api/appointments?", StringComparison.Ordinal) || path.Contains("2027-03-01", StringComparison.Ordinal))
                return Task.CompletedTask;
            opening.TrySetResult();
            return searched.Task.WaitAsync(TimeSpan.FromSeconds(20));
        };
        var page = screen.Render<AppointmentList>(p => p.Add(s => s.ProgramId, programId));
        await opening.Task.WaitAsync(TimeSpan.FromSeconds(20));

        page.Find("#day").Change("2027-03-01");
        await page.Find("form").SubmitAsync();
        page.WaitForAssertion(() => Assert.Single(page.FindAll("table.appointments tbody tr")));
        searched.SetResult();
        // The opening list's answer arrives last, and is dropped.
        page.WaitForAssertion(() => Assert.Contains(screen.Answers, a => a.Path.StartsWith("/api/appointments?", StringComparison.Ordinal)
            && !a.Path.Contains("2027-03-01", StringComparison.Ordinal)));
        await Task.Delay(200);
        Assert.Equal(["M-200101"], page.FindAll("table.appointments tbody tr td:nth-child(3)").Select(c => c.TextContent));
        Assert.Equal("2027-03-01", page.Find("#day").GetAttribute("value"));
    }
}
