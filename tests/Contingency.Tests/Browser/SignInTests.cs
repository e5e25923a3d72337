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
        await ScreensFixture.Screenshot(page, "signed-in");
    }

    [Fact]
    public async Task The_sign_in_page_is_accessible_and_the_header_s_sign_out_ends_the_session()
    {
        var context = await screens.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = screens.Address.ToString() });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/providers");
        await Assertions.Expect(page.GetByLabel("Token")).ToBeVisibleAsync();
        await ScreensFixture.AssertAccessible(page);

        await page.GetByLabel("Token").FillAsync(screens.Token(Roles.Enrollment));
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Providers");
        Assert.Contains(await context.CookiesAsync(), c => c.Name == "contingency.session");

        // The screen's header posts the sign-out form with its antiforgery token: the session ends.
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("/sign-in"));
        Assert.DoesNotContain(await context.CookiesAsync(), c => c.Name == "contingency.session");
        await page.GotoAsync("/providers");
        await Assertions.Expect(page.GetByLabel("Token")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task The_sign_out_page_and_the_correction_screen_are_accessible()
    {
        var page = await screens.SignedInPage(Roles.Enrollment);
        await page.GotoAsync("/sign-out");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Sign out");
        await ScreensFixture.AssertAccessible(page);

        using var api = screens.Client(Roles.Enrollment);
        using var listed = System.Text.Json.JsonDocument.Parse(await api.GetStringAsync("/api/providers?pageSize=1"));
        var providerId = listed.RootElement.GetProperty("items")[0].GetProperty("id").GetString();
        await page.GotoAsync($"/providers/{providerId}/correct");
        await Assertions.Expect(page.GetByLabel("Email")).ToBeVisibleAsync();
        await ScreensFixture.AssertAccessible(page);
    }
}
