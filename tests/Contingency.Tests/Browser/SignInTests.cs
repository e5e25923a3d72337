namespace Contingency.Tests.Browser;

using Contingency.Infrastructure.Security;
using Microsoft.Playwright;

[Collection(ScreensCollection.Name)]
public sealed class SignInTests(ScreensFixture screens)
{
    [Fact]
    public async Task A_person_signs_in_with_a_token_and_lands_on_the_overview_of_the_running_program()
    {
        var page = await screens.SignedInPage(Roles.Admin);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Northern California mental health contingency");
        await ScreensFixture.AssertAccessible(page);
        await ScreensFixture.Screenshot(page, "overview");
    }
}
