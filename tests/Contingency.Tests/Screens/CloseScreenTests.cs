namespace Contingency.Tests.Screens;

using System.Net;
using Bunit;
using Contingency.Features.Capacity;
using Contingency.Features.Programs;
using Contingency.Features.Providers;
using Contingency.Infrastructure.Security;
using Contingency.Tests.Support;
using Microsoft.AspNetCore.Components;

/// <summary>Closing a program from the screens: where the way to it shows, and the close with its refusals, over a real service.</summary>
public sealed class CloseScreenTests
{
    /// <summary>The sample program (2027-03-01, 8 weeks) ended on Sunday 2027-04-25 in Los Angeles.</summary>
    private static readonly DateTimeOffset DayAfter = new(2027, 4, 26, 9, 0, 0, TimeSpan.FromHours(-7));

    [Fact]
    public async Task An_ended_program_is_closed_from_its_screen_after_the_open_appointments_are_shown_and_forced()
    {
        await using var app = new ContingencyApp { SchedulerRuns = false };
        var api = app.Api();
        var (programId, providerId, _) = await api.Scenario();
        var open = (await api.Book(Api.BookingBody(providerId, "2027-04-23T09:00:00-07:00"))).Id();

        // Before the end: the screen says from when it can be closed, and offers nothing.
        await using (var early = new ScreenContext(app, Roles.Enrollment))
        {
            var screen = early.Render<CloseScreen>(ps => ps.Add(s => s.Id, programId));
            screen.WaitForAssertion(() => Assert.Contains("it can be closed from Mon 2027-04-26", screen.Find("[data-testid=not-ended]").TextContent));
            Assert.Empty(screen.FindAll("button"));
        }

        // A second program, ended too and left open: the roster keeps offering it after the first is closed.
        var other = (await api.CreateProgram(Api.ProgramBody(startsOn: "2027-03-01", weeks: 4))).Id();
        app.Clock.SetUtcNow(DayAfter);
        (await api.Post($"/api/programs/{programId}/payment-runs", null)).Expect(HttpStatusCode.OK);
        await using var context = new ScreenContext(app, Roles.Enrollment);

        // The roster shows both ended programs with the way to close them.
        var roster = context.Render<ProviderRoster>();
        roster.WaitForAssertion(() => Assert.Equal([$"/programs/{programId}/close", $"/programs/{other}/close"],
            roster.FindAll("[data-testid=ended-programs] a").Select(a => a.GetAttribute("href")).Order()));

        var close = context.Render<CloseScreen>(ps => ps.Add(s => s.Id, programId));
        close.WaitForAssertion(() => close.Find("button[type=submit]"));
        Assert.Empty(close.FindAll("#force"));
        // Enrollment alone does not see the overview: the way back is the roster.
        Assert.Equal("/providers", close.Find("h1 + p a").GetAttribute("href"));
        await close.Find("form").SubmitAsync();

        // Refused: one past appointment has no outcome. The refusal lists it (enrollment cannot open the
        // scheduling screens, so no link there), and the form now offers to close anyway.
        close.WaitForAssertion(() => Assert.Equal("1 past appointment has no outcome yet (completed or no-show):",
            close.Find("[data-testid=refusal] p").TextContent.Trim()));
        Assert.Equal([open], close.FindAll("[data-testid=open-appointments] li").Select(li => li.TextContent));
        Assert.Empty(close.FindAll("[data-testid=refusal] a"));
        Assert.Equal("booked", (await api.Get($"/api/appointments/{open}")).Expect(HttpStatusCode.OK).Str("status"));
        close.Find("#force").Change(true);
        await close.Find("form").SubmitAsync();

        close.WaitForAssertion(() => Assert.Contains("was closed at Mon 2027-04-26", close.Find("[role=status] [data-testid=closed]").TextContent));
        Assert.Empty(close.FindAll("form"));
        Assert.EndsWith(" is closed", close.Find("h1").TextContent);
        Assert.Equal("unresolved", (await api.Get($"/api/appointments/{open}")).Expect(HttpStatusCode.OK).Str("status"));
        Assert.Equal(System.Text.Json.JsonValueKind.String, (await api.Get($"/api/programs/{programId}")).Expect(HttpStatusCode.OK).GetProperty("closedAt").ValueKind);

        // Closed, the roster no longer offers it; the other is still there.
        await using var later = new ScreenContext(app, Roles.Enrollment);
        var after = later.Render<ProviderRoster>();
        after.WaitForAssertion(() => Assert.Equal([$"/programs/{other}/close"],
            after.FindAll("[data-testid=ended-programs] a").Select(a => a.GetAttribute("href"))));
    }

    [Fact]
    public async Task A_person_without_enrollment_sees_why_the_close_is_not_theirs_and_a_scheduler_gets_the_way_to_the_outcomes()
    {
        await using var app = new ContingencyApp { SchedulerRuns = false };
        var api = app.Api();
        var (programId, providerId, _) = await api.Scenario();
        await api.Book(Api.BookingBody(providerId, "2027-04-23T09:00:00-07:00"));
        app.Clock.SetUtcNow(DayAfter);

        await using (var planner = new ScreenContext(app, Roles.Capacity))
        {
            var screen = planner.Render<CloseScreen>(ps => ps.Add(s => s.Id, programId));
            screen.WaitForAssertion(() => Assert.Contains("Closing it takes the enrollment role.", screen.Find("[data-testid=not-allowed]").TextContent));
            Assert.Empty(screen.FindAll("form"));
            Assert.Equal($"/programs/{programId}", screen.Find("h1 + p a").GetAttribute("href"));
        }

        // Payments first: the refusal counts them and, for a person with finance, leads to accounts payable.
        await using var both = new ScreenContext(app, Roles.Enrollment, Roles.Scheduling, Roles.Finance);
        var close = both.Render<CloseScreen>(ps => ps.Add(s => s.Id, programId));
        close.WaitForAssertion(() => close.Find("button[type=submit]"));
        await close.Find("form").SubmitAsync();
        close.WaitForAssertion(() => Assert.Equal("9 payments are not released yet: the program closes once every payment is.",
            close.Find("[data-testid=refusal] p").TextContent.Trim()));
        Assert.Equal("/payments", close.Find("[data-testid=refusal] a").GetAttribute("href"));
        Assert.Empty(close.FindAll("#force"));

        (await api.Post($"/api/programs/{programId}/payment-runs", null)).Expect(HttpStatusCode.OK);
        await close.Find("form").SubmitAsync();
        close.WaitForAssertion(() => Assert.Equal($"/scheduling/{programId}/appointments", close.Find("[data-testid=refusal] a").GetAttribute("href")));
        close.Find("#force");
    }

    [Fact]
    public async Task The_overview_offers_the_close_to_enrollment_only_and_shows_when_a_program_was_closed()
    {
        await using var app = new ContingencyApp { SchedulerRuns = false };
        var api = app.Api();
        var (programId, _, _) = await api.Scenario();
        app.Clock.SetUtcNow(DayAfter);
        (await api.Post($"/api/programs/{programId}/payment-runs", null)).Expect(HttpStatusCode.OK);

        await using (var planner = new ScreenContext(app, Roles.Capacity))
        {
            var overview = planner.Render<Overview>(ps => ps.Add(s => s.ProgramId, programId));
            overview.WaitForAssertion(() => overview.Find("[data-testid=totals]"));
            Assert.Empty(overview.FindAll("[data-testid=close-link]"));
        }
        await using (var both = new ScreenContext(app, Roles.Capacity, Roles.Enrollment))
        {
            var overview = both.Render<Overview>(ps => ps.Add(s => s.ProgramId, programId));
            overview.WaitForAssertion(() => Assert.Equal($"/programs/{programId}/close", overview.Find("[data-testid=close-link] a").GetAttribute("href")));
        }

        (await api.Post($"/api/programs/{programId}/close", null)).Expect(HttpStatusCode.OK);
        await using var planner2 = new ScreenContext(app, Roles.Capacity, Roles.Enrollment);
        var closed = planner2.Render<Overview>(ps => ps.Add(s => s.ProgramId, programId));
        closed.WaitForAssertion(() => Assert.StartsWith("Closed at Mon 2027-04-26 09:00 ", closed.Find("[data-testid=closed-at]").TextContent));
        Assert.Empty(closed.FindAll("[data-testid=close-link]"));
    }
}
