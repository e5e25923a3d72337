namespace Contingency.Tests.Screens;

using System.Globalization;
using Bunit;
using Contingency.Features.Providers;
using Contingency.Infrastructure.Security;
using Contingency.Screens;
using Contingency.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

/// <summary>The provider detail screen's dates, on a service of its own whose clock the test sets.</summary>
public sealed class ProviderScreenTests : IAsyncLifetime
{
    private readonly ContingencyApp app = new() { SchedulerRuns = false };

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await app.DisposeAsync();

    [Theory]
    [InlineData(Roles.Capacity)]
    [InlineData(Roles.Enrollment)]
    public async Task The_week_view_opens_on_today_in_the_program_s_zone_not_the_utc_date(string role)
    {
        var api = app.Api();
        app.Clock.SetUtcNow(DateTimeOffset.Parse("2027-02-20T09:00:00-08:00", CultureInfo.InvariantCulture));
        var program = (await api.CreateProgram()).Id();
        var provider = (await api.Enroll()).Id();
        await api.Commit(program, Api.CommitmentBody(provider));
        // Sunday evening in California, already Monday 2027-03-08 in UTC.
        app.Clock.SetUtcNow(DateTimeOffset.Parse("2027-03-07T20:00:00-08:00", CultureInfo.InvariantCulture));

        await using var screen = new ScreenContext(app, role, Roles.Scheduling);
        var page = screen.Render<ProviderScreen>(p => p.Add(c => c.Id, provider));

        page.WaitForAssertion(() => Assert.True(page.FindAll("h2").Any(h => h.TextContent == $"Week of {Show.Date(new DateOnly(2027, 3, 1))}"), page.Markup),
            TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task The_provider_gets_a_calendar_address_on_the_screens_own_host_and_a_new_one_stops_the_old()
    {
        var api = app.Api();
        var program = (await api.CreateProgram()).Id();
        var provider = (await api.Enroll()).Id();
        await api.Commit(program, Api.CommitmentBody(provider));

        await using var screen = ScreenContext.AsProvider(app, provider);
        var page = screen.Render<ProviderScreen>(p => p.Add(c => c.Id, provider));
        page.WaitForElement("button.calendar-feed", TimeSpan.FromSeconds(10)).Click();
        var first = page.WaitForElement("input.feed-url", TimeSpan.FromSeconds(10)).GetAttribute("value")!;
        Assert.StartsWith(screen.Services.GetRequiredService<Microsoft.AspNetCore.Components.NavigationManager>().BaseUri + "calendar/feed.ics?secret=", first);

        page.Find("button.calendar-feed").Click();
        page.WaitForAssertion(() => Assert.NotEqual(first, page.Find("input.feed-url").GetAttribute("value")), TimeSpan.FromSeconds(10));
        var second = page.Find("input.feed-url").GetAttribute("value")!;
        var anonymous = app.ClientWith(null);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await anonymous.GetAsync(new Uri(first).PathAndQuery)).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await anonymous.GetAsync(new Uri(second).PathAndQuery)).StatusCode);
    }
}
