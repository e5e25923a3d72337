namespace Contingency.Tests.Screens;

using Bunit;
using Contingency.Features.Capacity;
using Contingency.Infrastructure.Security;
using Contingency.Tests.Support;

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
    public void A_person_without_the_role_reads_the_api_s_refusal()
    {
        using var screen = new ScreenContext(app, Roles.Scheduling);
        var overview = screen.Render<Overview>();
        overview.WaitForAssertion(() => Assert.Equal("Your roles do not allow this.", overview.Find("[role=alert]").TextContent));
    }
}
