namespace Contingency.Tests.Browser;

using Contingency.Infrastructure.Security;
using Microsoft.Playwright;

/// <summary>Down to a tablet: each screen at 768 x 1024 fits the width (no sideways scrolling of the page) and passes axe.</summary>
[Collection(ScreensCollection.Name)]
public sealed class TabletTests(ScreensFixture screens)
{
    [Theory]
    [InlineData("/", "overview")]
    [InlineData("/providers", "roster")]
    [InlineData("/scheduling", "scheduling")]
    [InlineData("/payments", "payments")]
    public async Task A_screen_fits_a_tablet(string path, string name)
    {
        var page = await screens.SignedInPage(Roles.Admin);
        await page.SetViewportSizeAsync(768, 1024);
        await page.GotoAsync(path);
        await page.Locator("main h1").WaitForAsync();
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await Assertions.Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Loading" })).ToHaveCountAsync(0, new() { Timeout = 60_000 });

        var (scrollWidth, innerWidth) = (await page.EvaluateAsync<int>("document.documentElement.scrollWidth"), await page.EvaluateAsync<int>("window.innerWidth"));
        Assert.True(scrollWidth <= innerWidth, $"{path} is {scrollWidth} px wide in a {innerWidth} px window");
        await ScreensFixture.AssertAccessible(page);
        await ScreensFixture.Screenshot(page, "tablet-" + name);
        await page.Context.CloseAsync();
    }
}
