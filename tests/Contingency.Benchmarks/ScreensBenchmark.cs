namespace Contingency.Benchmarks;

using System.Diagnostics;
using System.Net.Http.Headers;
using Contingency.Data;
using Contingency.Infrastructure.Security;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;

/// <summary>
/// The overview on the benchmark data set (10,000 providers, a million bookings), the service on a real
/// loopback port over a copy of it, on the real clock (the program lies ahead: third-next-available walks
/// from its first day). Two figures, medians of 7 after one unmeasured load:
/// - server time: the API calls the overview makes, sent as it sends them (all at once, then the payments
///   of the coming moment), from the first request to the last answer;
/// - in the browser: Debian's chromium, signed in, from navigating to the overview to its last part drawn
///   (both charts' svg, and the rows of the licence and third-next-available tables, the last to arrive).
/// </summary>
public static class ScreensBenchmark
{
    private const int Repetitions = 7;
    private const string SigningKey = "contingency-benchmark-signing-key-0123456789";

    public static async Task RunAsync()
    {
        await Seed.EnsureAsync();
        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_CONTINGENCY", Path.Combine(LoadTest.RepoRoot(), "src", "Contingency"));
        var database = await BenchDatabase.CopyAsync("screens");
        await using var app = new WebApplicationFactory<global::Program>().WithWebHostBuilder(b =>
        {
            foreach (var (key, value) in BenchDatabase.ServiceSettings(database)) b.UseSetting(key, value);
            b.UseEnvironment("Development");
            b.UseSetting("Scheduler:AutoStart", "false");
            b.UseSetting("Auth:SigningKey", SigningKey);
            b.UseSetting("RateLimiting:Burst", "1000000");
            b.UseSetting("RateLimiting:PermitsPerSecond", "1000000");
            b.ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        });
        app.UseKestrel(0);
        app.StartServer();
        var address = app.ClientOptions.BaseAddress;
        var token = Tokens.Create(System.Text.Encoding.UTF8.GetBytes(SigningKey), Authentication.DefaultIssuer, Authentication.DefaultAudience,
            "benchmark", [Roles.Capacity, Roles.Finance], null, DateTimeOffset.UtcNow, TimeSpan.FromHours(2));

        using var http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromMinutes(2) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var server = new List<double>();
        for (var i = 0; i <= Repetitions; i++)
        {
            var ms = await OverviewCallsAsync(http);
            if (i > 0) server.Add(ms);
        }

        // Each call alone, warm: where the time goes.
        foreach (var path in OverviewPaths())
        {
            var alone = new List<double>();
            for (var i = 0; i < 3; i++)
            {
                var clock = Stopwatch.StartNew();
                (await http.GetAsync(path)).EnsureSuccessStatusCode();
                alone.Add(clock.Elapsed.TotalMilliseconds);
            }
            Console.WriteLine($"  alone: {Median(alone),6:F0} ms  {path}");
        }

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = "/usr/bin/chromium", Headless = true });
        var page = await (await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = address.ToString() })).NewPageAsync();
        await page.GotoAsync("/sign-in");
        await page.GetByLabel("Token").FillAsync(token);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync(url => !url.Contains("/sign-in"));
        var browserMs = new List<double>();
        for (var i = 0; i <= Repetitions; i++)
        {
            var clock = Stopwatch.StartNew();
            await page.GotoAsync($"/programs/{Seed.ProgramId}");
            await page.Locator("svg.main-svg").Nth(1).WaitForAsync(new() { Timeout = 60_000 });
            await page.Locator("[data-testid=third] tbody tr").First.WaitForAsync(new() { Timeout = 60_000 });
            await page.Locator("[data-testid=licences] tbody tr").First.WaitForAsync(new() { Timeout = 60_000 });
            if (i > 0) browserMs.Add(clock.Elapsed.TotalMilliseconds);
        }
        await BenchDatabase.DropCopyAsync("screens");

        Console.WriteLine($"{BenchDatabase.Name}: the overview of {Seed.Providers} providers' program");
        Console.WriteLine($"server time (its API calls): {Median(server):F0} ms (all: {string.Join(", ", server.Select(x => x.ToString("F0")))})");
        Console.WriteLine($"in the browser, to drawn:    {Median(browserMs):F0} ms (all: {string.Join(", ", browserMs.Select(x => x.ToString("F0")))})");
    }

    /// <summary>The overview's calls as it makes them: capacity by week (with its licence breakdown), by day and the compliance report at once, then the payment part.</summary>
    private static async Task<double> OverviewCallsAsync(HttpClient http)
    {
        var id = Seed.ProgramId;
        var clock = Stopwatch.StartNew();
        await Ok("/api/programs");
        await Task.WhenAll(OverviewPaths().Select(Ok));
        await Ok("/api/jobs");
        // The payment moments of the coming four weeks, from today in the program's zone, as the screen asks.
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, TimeZoneInfo.FindSystemTimeZoneById("America/Los_Angeles")).DateTime);
        await Ok($"/api/programs/{id}/payment-moments?dueBefore={today.AddDays(28):yyyy-MM-dd}");
        return clock.Elapsed.TotalMilliseconds;

        async Task Ok(string path)
        {
            using var response = await http.GetAsync(path);
            if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{path}: {(int)response.StatusCode}");
            await response.Content.ReadAsByteArrayAsync();
        }
    }

    /// <summary>What the overview asks for at once, once it knows the program.</summary>
    private static List<string> OverviewPaths()
    {
        var id = Seed.ProgramId;
        return [$"/api/programs/{id}/capacity?by=week", $"/api/programs/{id}/capacity?by=day", $"/api/programs/{id}/compliance"];
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
}
