namespace Contingency.Tests.Browser;

using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Contingency.Infrastructure.Security;
using Contingency.Screens;
using Microsoft.Playwright;

/// <summary>The overview and accounts payable in a real browser over the demo: figures as the API gives them, charts drawn, the remittance downloaded through the link.</summary>
[Collection(ScreensCollection.Name)]
public sealed class OverviewAndPaymentsTests(ScreensFixture screens)
{
    private static async Task<JsonElement> Json(HttpClient api, string path) =>
        (await api.GetFromJsonAsync<JsonElement>(path));

    [Fact]
    public async Task The_overview_shows_the_api_s_totals_and_draws_its_charts()
    {
        var page = await screens.SignedInPage(Roles.Capacity);
        using var api = screens.Client(Roles.Capacity);
        var programs = await Json(api, "/api/programs");
        var week = await Json(api, $"/api/programs/{screens.ProgramId}/capacity?by=week");
        var totals = week.GetProperty("totals");

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync(programs.EnumerateArray().Single(p => p.GetProperty("id").GetString() == screens.ProgramId).GetProperty("name").GetString()!);
        await Assertions.Expect(page.Locator("[data-figure=committed]")).ToHaveTextAsync(Show.Count(totals.GetProperty("committed").GetInt32()));
        await Assertions.Expect(page.Locator("[data-figure=booked]")).ToHaveTextAsync(Show.Count(totals.GetProperty("booked").GetInt32()));
        await Assertions.Expect(page.Locator("[data-figure=utilization]")).ToHaveTextAsync(Show.Percent(totals.GetProperty("utilization").GetDecimal()));
        await Assertions.Expect(page.Locator("[data-figure=demand]")).ToHaveTextAsync(Show.Count(totals.GetProperty("demand").GetInt32()));
        await Assertions.Expect(page.Locator("[data-figure=gap]")).ToHaveTextAsync(Show.Count(totals.GetProperty("gap").GetInt32()));

        // The chart's table (summed per week from the API's rows) adds up to the API's committed total.
        var committedColumn = await page.Locator("[data-testid=weeks-table] tbody tr td:nth-of-type(1)").AllTextContentsAsync();
        Assert.Equal(totals.GetProperty("committed").GetInt32(), committedColumn.Sum(c => int.Parse(c, NumberStyles.AllowThousands, CultureInfo.InvariantCulture)));

        // The licence table is the weekly answer's breakdown, row for row.
        var byLicence = week.GetProperty("byLicenseType").EnumerateArray().ToList();
        Assert.NotEmpty(byLicence);
        var licenceRows = page.Locator("[data-testid=licences] tbody tr");
        await Assertions.Expect(licenceRows.Locator("th")).ToHaveTextAsync(byLicence.Select(l => l.GetProperty("licenseType").GetString()!).ToArray());
        await Assertions.Expect(licenceRows.Locator("td:nth-of-type(2)")).ToHaveTextAsync(byLicence.Select(l => Show.Count(l.GetProperty("booked").GetInt32())).ToArray());

        var compliance = await Json(api, $"/api/programs/{screens.ProgramId}/compliance");
        if (compliance.GetProperty("rate").ValueKind == JsonValueKind.Number)
            await Assertions.Expect(page.Locator("[data-testid=compliance-rate] strong")).ToHaveTextAsync(Show.Percent(compliance.GetProperty("rate").GetDecimal()));

        await Assertions.Expect(page.Locator("#weeks-chart svg").First).ToBeAttachedAsync();
        await Assertions.Expect(page.Locator("#heat-chart svg").First).ToBeAttachedAsync();
        await Assertions.Expect(page.Locator("#heat-chart .heatmaplayer image, #heat-chart .hm").First).ToBeAttachedAsync();

        // A person with the capacity role alone has no way to accounts payable.
        await Assertions.Expect(page.GetByRole(AriaRole.Navigation, new() { Name = "Screens" }).GetByRole(AriaRole.Link, new() { Name = "Accounts payable" })).ToHaveCountAsync(0);
        await ScreensFixture.AssertAccessible(page);
        await ScreensFixture.Screenshot(page, "overview");
    }

    [Fact]
    public async Task Accounts_payable_shows_the_seeded_batch_and_its_remittance_downloads_as_the_api_serves_it()
    {
        var page = await screens.SignedInPage(Roles.Finance);
        using var api = screens.Client(Roles.Finance);
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Screens" }).GetByRole(AriaRole.Link, new() { Name = "Accounts payable" }).ClickAsync();
        await page.WaitForURLAsync(url => url.EndsWith("/payments", StringComparison.Ordinal));

        var batches = await Json(api, $"/api/programs/{screens.ProgramId}/payment-batches");
        var seeded = batches.GetProperty("items")[0];
        var batchId = seeded.GetProperty("id").GetString()!;
        var row = page.Locator("[data-testid=batches] tbody tr").Filter(new() { HasText = batchId });
        await Assertions.Expect(row).ToHaveCountAsync(1);
        await Assertions.Expect(row.Locator("td").Nth(1)).ToHaveTextAsync(Show.Count(seeded.GetProperty("released").GetInt32()));
        await Assertions.Expect(row.Locator("td").Nth(2)).ToHaveTextAsync(Show.Money(seeded.GetProperty("amount").GetDecimal(), seeded.GetProperty("currency").GetString()!));
        await Assertions.Expect(page.Locator("[data-testid=next-run]")).ToBeVisibleAsync();
        await ScreensFixture.AssertAccessible(page);
        await ScreensFixture.Screenshot(page, "payments");

        await row.GetByRole(AriaRole.Link, new() { Name = batchId, Exact = true }).ClickAsync();
        await page.WaitForURLAsync(url => url.EndsWith($"/payment-batches/{batchId}", StringComparison.Ordinal));
        var batch = await Json(api, $"/api/payment-batches/{batchId}");
        await Assertions.Expect(page.Locator("[data-testid=lines] tbody tr")).ToHaveCountAsync(batch.GetProperty("payments").GetArrayLength());
        await Assertions.Expect(page.Locator("[data-figure=released]")).ToHaveTextAsync(Show.Count(batch.GetProperty("released").GetInt32()));
        await Assertions.Expect(page.Locator("[data-figure=amount]")).ToHaveTextAsync(Show.Money(batch.GetProperty("amount").GetDecimal(), batch.GetProperty("currency").GetString()!));
        var lineTotal = batch.GetProperty("payments").EnumerateArray().Sum(p => p.GetProperty("amount").GetDecimal());
        Assert.Equal(batch.GetProperty("amount").GetDecimal(), lineTotal);

        var download = await page.RunAndWaitForDownloadAsync(() =>
            page.GetByRole(AriaRole.Link, new() { Name = "Download the remittance (CSV)" }).ClickAsync());
        var downloaded = await File.ReadAllBytesAsync((await download.PathAsync())!);
        var served = await api.GetByteArrayAsync($"/api/payment-batches/{batchId}/remittance.csv");
        Assert.Equal(served, downloaded);
        await ScreensFixture.AssertAccessible(page);
        await ScreensFixture.Screenshot(page, "batch");
    }
}
