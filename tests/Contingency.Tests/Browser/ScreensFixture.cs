namespace Contingency.Tests.Browser;

using System.Net.Http.Headers;
using System.Net.Http.Json;
using Contingency.Features.Operations;
using Contingency.Infrastructure.Security;
using Contingency.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

/// <summary>
/// The service on a real port over a database filled by <c>seed-demo</c>, on the real clock, and Debian's
/// chromium driven by Playwright (no browser download). Shared by the browser tests, which run one class
/// at a time: they sign in, walk the screens and compare what they show with what the API answers.
/// Screenshots go to <see cref="Artifacts"/>.
/// </summary>
public sealed class ScreensFixture : IAsyncLifetime
{
    public const string Chromium = "/usr/bin/chromium";

    private readonly string database = TempDatabase.NewPath();
    private IPlaywright? playwright;

    public ContingencyApp App { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;
    public Uri Address { get; private set; } = null!;
    public string ProgramId { get; private set; } = "";

    /// <summary>Where screenshots are kept: TestResults/screens beside the test project's output.</summary>
    public static string Artifacts { get; } = Path.Combine(AppContext.BaseDirectory, "TestResults", "screens");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Artifacts);
        // A loaded 2-core machine running the PostgreSQL pass answers slower than Playwright's 5 s default.
        Assertions.SetDefaultExpectTimeout(30_000);
        App = ContingencyApp.OnRealTime(database);
        App.SchedulerRuns = false;
        Address = App.StartOnKestrel();

        var (output, error) = (new StringWriter(), new StringWriter());
        var exit = await SeedDemo.RunAsync(App.Services, App.Services.GetRequiredService<IConfiguration>(), output, error);
        if (exit != 0) throw new InvalidOperationException($"seed-demo failed: {error}");
        using var api = Client(Roles.Admin);
        ProgramId = (await api.GetFromJsonAsync<List<Dictionary<string, object>>>("/api/programs"))![0]["id"].ToString()!;

        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = Chromium, Headless = true });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        playwright?.Dispose();
        await App.DisposeAsync();
        TestDatabase.Drop(database);
    }

    public string Token(params string[] roles) => App.Token($"browser-{string.Join('-', roles)}", roles);

    /// <summary>The API as the screens call it, with a bearer token of these roles.</summary>
    public HttpClient Client(params string[] roles)
    {
        var client = new HttpClient { BaseAddress = Address };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token(roles));
        return client;
    }

    /// <summary>A new browser page at a laptop's size, signed in through the sign-in page with a token of these roles.</summary>
    public async Task<IPage> SignedInPage(params string[] roles)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = Address.ToString(), ViewportSize = new() { Width = 1366, Height = 900 } });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/");
        await page.GetByLabel("Token").FillAsync(Token(roles));
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync(url => !url.Contains("/sign-in"));
        return page;
    }

    /// <summary>Deque's axe on the page as it stands: no serious or critical violation.</summary>
    public static async Task AssertAccessible(IPage page)
    {
        var result = await page.RunAxe();
        var grave = result.Violations.Where(v => v.Impact is "serious" or "critical").ToList();
        Assert.True(grave.Count == 0, $"{page.Url}: " + string.Join("\n", grave.Select(v =>
            $"{v.Impact} {v.Id}: {v.Help} ({string.Join(", ", v.Nodes.Take(3).Select(n => string.Join(" ", n.Target)))})")));
    }

    public static Task Screenshot(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Artifacts, name + ".png"), FullPage = true });
}

[CollectionDefinition(Name)]
public sealed class ScreensCollection : ICollectionFixture<ScreensFixture>
{
    public const string Name = "Screens in a browser";
}
