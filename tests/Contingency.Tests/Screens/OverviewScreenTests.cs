namespace Contingency.Tests.Screens;

using Bunit;
using Contingency.Features.Capacity;
using Contingency.Infrastructure.Security;
using Contingency.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

/// <summary>The overview as a component, over a real service: the program it opens on, and refusals shown as such.</summary>
public sealed class OverviewScreenTests(ContingencyApp app) : IClassFixture<ContingencyApp>
{
    [Fact]
    public async Task Opens_on_the_running_program()
    {
        var api = app.Api();
        await api.CreateProgram(Api.ProgramBody(startsOn: "2027-01-25"));
        await using var screen = new ScreenContext(app, Roles.Capacity);
        var overview = screen.Render<Overview>();
        overview.WaitForAssertion(() => Assert.Equal("NorCal outpatient mental health contingency", overview.Find("h1").TextContent));
    }

    [Fact]
    public void A_person_without_the_role_reads_the_api_s_refusal_on_a_program_s_overview()
    {
        using var screen = new ScreenContext(app, Roles.Scheduling);
        var overview = screen.Render<Overview>(p => p.Add(o => o.ProgramId, "any"));
        overview.WaitForAssertion(() => Assert.Equal("Your roles do not allow this.", overview.Find("[role=alert]").TextContent));
    }

    [Theory]
    [InlineData(Roles.Scheduling, "/scheduling")]
    [InlineData(Roles.Finance, "/payments")]
    [InlineData(Roles.Enrollment, "/providers")]
    public void Landing_on_the_overview_without_its_role_goes_on_to_a_screen_the_person_may_use(string role, string screenPath)
    {
        using var screen = new ScreenContext(app, role);
        var navigation = screen.Services.GetRequiredService<Microsoft.AspNetCore.Components.NavigationManager>();
        screen.Render<Overview>();
        Assert.True(SpinWait.SpinUntil(() => navigation.Uri.EndsWith(screenPath, StringComparison.Ordinal), TimeSpan.FromSeconds(10)), navigation.Uri);
    }
}
