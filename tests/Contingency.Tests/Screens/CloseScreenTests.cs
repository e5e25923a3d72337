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

        app.Clock.SetUtcNow(DayAfter);
        (await api.Post($"/api/programs/{programId}/payment-runs", null)).Expect(HttpStatusCode.OK);
        await using var context = new ScreenContext(app, Roles.Enrollment);

        // The roster shows the ended program with the way to close it.
        var roster = context.Render<ProviderRoster>();
        roster.WaitForAssertion(() => Assert.Equal($"/programs/{programId}/close", roster.Find("[data-testid=ended-programs] a").GetAttribute("href")));

        var close = context.Render<CloseScreen>(ps => ps.Add(s => s.Id, programId));
        close.WaitForAssertion(() => close.Find("button[type=submit]"));
        Assert.Empty(close.FindAll("#force"));
        // Enrollment alone does not see the overview: the way back is the roster.
        Assert.Equal("/providers", close.Find("h1 + p a").GetAttribute("href"));
        await close.Find("form").SubmitAsync();

        // Refused: one past appointment has no outcome. The refusal says so, and now offers to close anyway.
        close.WaitForAssertion(() => Assert.Contains("1 past appointments", close.Find("p.error[role=alert]").TextContent));
        Assert.Equal($"/scheduling/{programId}/appointments", close.Find("p.error + p a").GetAttribute("href"));
        Assert.Equal("booked", (await api.Get($"/api/appointments/{open}")).Expect(HttpStatusCode.OK).Str("status"));
        close.Find("#force").Change(true);
        await close.Find("form").SubmitAsync();

        close.WaitForAssertion(() => Assert.Contains("was closed at Mon 2027-04-26", close.Find("[data-testid=closed]").TextContent));
        Assert.Equal("unresolved", (await api.Get($"/api/appointments/{open}")).Expect(HttpStatusCode.OK).Str("status"));
        Assert.Equal(System.Text.Json.JsonValueKind.String, (await api.Get($"/api/programs/{programId}")).Expect(HttpStatusCode.OK).GetProperty("closedAt").ValueKind);

        // Closed, the roster no longer offers it.
        var after = context.Render<ProviderRoster>();
        after.WaitForAssertion(() => Assert.Contains(context.Answers, a => a.Path == "/api/programs" && a.Status == 200));
        after.WaitForAssertion(() => Assert.Empty(after.FindAll("[data-testid=ended-programs]")));
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
