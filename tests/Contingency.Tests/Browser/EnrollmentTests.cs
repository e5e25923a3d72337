namespace Contingency.Tests.Browser;

using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Contingency.Infrastructure.Security;
using Contingency.Tests.Support;
using Microsoft.Playwright;

/// <summary>
/// Enrollment in a browser over the demo: the roster's total is the API's, a provider enrolled through the
/// form and a roster imported through the file input exist afterwards, a commitment is recorded after its
/// preview and a provider deactivated after its consequences are shown.
/// </summary>
[Collection(ScreensCollection.Name)]
public sealed class EnrollmentTests(ScreensFixture screens)
{
    private static async Task Type(ILocator input, string value)
    {
        await input.FillAsync(value);
        // The screens bind on change, which a real person's leaving the field fires.
        await input.DispatchEventAsync("change");
    }

    private async Task<JsonElement> Get(string path)
    {
        using var api = screens.Client(Roles.Admin);
        return await api.GetFromJsonAsync<JsonElement>(path);
    }

    [Fact]
    public async Task Enrollment_searches_enrolls_imports_commits_and_deactivates_through_the_screens()
    {
        var page = await screens.SignedInPage(Roles.Enrollment);

        // The roster, filtered by a region of the demo: the total shown is the API's.
        var region = (await Get("/api/providers?pageSize=1")).GetProperty("items")[0].GetProperty("region").GetString()!;
        var total = (await Get($"/api/providers?region={Uri.EscapeDataString(region)}")).GetProperty("total").GetInt32();
        await page.GotoAsync("/providers");
        await Assertions.Expect(page.Locator(".roster-total")).ToBeVisibleAsync();
        await Type(page.GetByLabel("Region"), region);
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await Assertions.Expect(page.Locator("p[role=status]")).ToContainTextAsync($"{total:#,##0} providers; page 1 of");
        await Assertions.Expect(page.Locator("table.roster tbody tr")).ToHaveCountAsync(Math.Min(total, 50));
        await ScreensFixture.AssertAccessible(page);
        await ScreensFixture.Screenshot(page, "roster");

        // Enroll one provider through the form.
        await page.GetByRole(AriaRole.Link, new() { Name = "Enroll a provider" }).ClickAsync();
        await Assertions.Expect(page.GetByLabel("NPI (10 digits)")).ToBeVisibleAsync();
        await Type(page.GetByLabel("Name"), "Browser Enrolled");
        await Type(page.GetByLabel("NPI (10 digits)"), Api.NewNpi());
        await page.GetByLabel("Licence type").SelectOptionAsync("LCSW");
        await Type(page.GetByLabel("Licence number"), "LCSW 777");
        await Type(page.GetByLabel("Email"), "browser@example.org");
        await Type(page.GetByLabel("Region"), "Browser Enroll");
        await page.GetByLabel("video").CheckAsync();
        await Type(page.GetByLabel("Languages (codes, separated by commas)"), "en, es");
        await page.GetByRole(AriaRole.Button, new() { Name = "Enroll" }).ClickAsync();
        await Assertions.Expect(page.Locator("p[role=status]")).ToContainTextAsync("Browser Enrolled is enrolled (active).");
        await ScreensFixture.AssertAccessible(page);
        Assert.Equal(1, (await Get("/api/providers?region=Browser%20Enroll")).GetProperty("total").GetInt32());

        // Import a small roster: the dry run's report first, nobody enrolled until the confirm.
        var csv = "name,npi,licenseType,licenseNumber,email,region,modalities,languages\n"
            + $"Imported One,{Api.NewNpi()},LMFT,LMFT 1,one@example.org,Browser Import,video,en\n"
            + $"Imported Two,{Api.NewNpi()},PsyD,PSY 2,two@example.org,Browser Import,in-person;video,en;es\n"
            + "Not A Provider,123,LMFT,LMFT 3,three@example.org,Browser Import,video,en\n";
        await page.GotoAsync("/providers/import");
        // The file input listens only once Blazor's InputFile script has taken it over (after the first
        // render): a file set before that is never read.
        await page.WaitForFunctionAsync("() => document.querySelector('input[type=file]')?._blazorInputFileNextFileId !== undefined");
        await page.GetByLabel("Roster file (CSV)").SetInputFilesAsync(new FilePayload
            { Name = "roster.csv", MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes(csv) });
        await Assertions.Expect(page.Locator("p[role=status]")).ToHaveTextAsync("2 would be enrolled, 0 duplicates, 1 invalid.");
        await Assertions.Expect(page.Locator("table.import-report tbody tr")).ToHaveCountAsync(3);
        Assert.Equal(0, (await Get("/api/providers?region=Browser%20Import")).GetProperty("total").GetInt32());
        await ScreensFixture.AssertAccessible(page);
        await ScreensFixture.Screenshot(page, "import-report");
        await page.GetByRole(AriaRole.Button, new() { Name = "Import 2 providers" }).ClickAsync();
        await Assertions.Expect(page.Locator("p[role=status]")).ToHaveTextAsync("2 enrolled, 0 duplicates, 1 invalid.");
        Assert.Equal(2, (await Get("/api/providers?region=Browser%20Import")).GetProperty("total").GetInt32());

        // Open the enrolled provider and record a commitment after its preview.
        var providerId = (await Get("/api/providers?region=Browser%20Enroll")).GetProperty("items")[0].GetProperty("id").GetString()!;
        await page.GotoAsync($"/providers/{providerId}");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Browser Enrolled");
        await Assertions.Expect(page.Locator(".provider-status")).ToHaveTextAsync("active");
        await page.GetByRole(AriaRole.Link, new() { Name = "Record a commitment" }).ClickAsync();
        await Assertions.Expect(page.GetByLabel("Slots per day")).ToBeVisibleAsync();
        await Type(page.GetByLabel("Slots per day"), "3");
        await page.GetByRole(AriaRole.Button, new() { Name = "Preview" }).ClickAsync();
        await Assertions.Expect(page.Locator("#preview-heading")).ToContainTextAsync("Preview:");
        Assert.True(await page.Locator("table.preview-weeks tbody tr").CountAsync() > 0);
        Assert.Equal(0, await CommitmentsOf(providerId));
        await ScreensFixture.AssertAccessible(page);
        await ScreensFixture.Screenshot(page, "commitment-preview");
        var heading = await page.Locator("#preview-heading").TextContentAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Record this commitment" }).ClickAsync();
        await Assertions.Expect(page.Locator("p[role=status]")).ToContainTextAsync("Recorded:");
        Assert.Equal(1, await CommitmentsOf(providerId));
        // The slots recorded are the slots previewed.
        var recorded = (await page.Locator("p[role=status]").TextContentAsync())!;
        Assert.Contains("Preview: " + recorded.Split(" slots")[0].Replace("Recorded:", "").Trim() + " slots", heading);

        // The provider as a person who also schedules and pays sees it: commitment, week of slots, payments.
        var full = await screens.SignedInPage(Roles.Enrollment, Roles.Scheduling, Roles.Finance);
        await full.GotoAsync($"/providers/{providerId}");
        await Assertions.Expect(full.Locator("table.commitments tbody tr")).ToHaveCountAsync(1);
        await Assertions.Expect(full.Locator("table.payments")).ToBeVisibleAsync();
        await Assertions.Expect(full.GetByRole(AriaRole.Button, new() { Name = "Next week" })).ToBeVisibleAsync();
        await ScreensFixture.AssertAccessible(full);
        await ScreensFixture.Screenshot(full, "provider");

        // Deactivate it after seeing the consequences.
        await page.GotoAsync($"/providers/{providerId}/deactivate");
        await Type(page.GetByLabel("Reason"), "Left the network");
        await page.GetByRole(AriaRole.Button, new() { Name = "Show the consequences" }).ClickAsync();
        await Assertions.Expect(page.Locator(".withdrawn-count")).ToHaveTextAsync("1");
        Assert.Equal("active", (await Get($"/api/providers/{providerId}")).GetProperty("status").GetString());
        await ScreensFixture.AssertAccessible(page);
        await ScreensFixture.Screenshot(page, "deactivate");
        await page.GetByRole(AriaRole.Button, new() { Name = "Deactivate Browser Enrolled" }).ClickAsync();
        await Assertions.Expect(page.Locator("p[role=status]")).ToContainTextAsync("Browser Enrolled is inactive: 1 commitments withdrawn");
        Assert.Equal("inactive", (await Get($"/api/providers/{providerId}")).GetProperty("status").GetString());
    }

    /// <summary>A program that ended weeks ago (on the real clock) is closed from the roster's hint through its screen, which passes axe.</summary>
    [Fact]
    public async Task An_ended_program_is_closed_through_the_screens()
    {
        var today = DateOnly.FromDateTime(screens.App.Now.UtcDateTime);
        var name = $"Ended program {Guid.NewGuid():N}"[..24];
        using var api = screens.Client(Roles.Enrollment);
        var created = await api.PostAsJsonAsync("/api/programs", new
        {
            name,
            timeZone = "America/Los_Angeles",
            startsOn = today.AddDays(-30).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            weeks = 2,
            sessionMinutes = 60,
            rates = new { session = 150.00m, premium = 50.00m, signingBonus = 1000.00m, currency = "USD" },
            payments = new { weekday = "Friday", time = "17:00" },
        });
        Assert.Equal(System.Net.HttpStatusCode.Created, created.StatusCode);
        var programId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        try
        {
            var page = await screens.SignedInPage(Roles.Enrollment);
            await page.GotoAsync("/providers");
            await page.GetByRole(AriaRole.Link, new() { Name = $"Close {name}" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync($"Close {name}");
            await ScreensFixture.AssertAccessible(page);
            await ScreensFixture.Screenshot(page, "close-program");
            await page.GetByRole(AriaRole.Button, new() { Name = $"Close {name}" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync($"{name} was closed at");
            // The keyboard is where the outcome is, not lost with the form that went.
            await Assertions.Expect(page.Locator("[data-testid=closed]")).ToBeFocusedAsync();
            await ScreensFixture.AssertAccessible(page);
        }
        finally
        {
            // Closed whatever happened above: an ended program left open would show on every later roster.
            await api.PostAsJsonAsync($"/api/programs/{programId}/close", new { force = true });
        }
    }

    private async Task<int> CommitmentsOf(string providerId)
    {
        var count = 0;
        foreach (var program in (await Get("/api/programs")).EnumerateArray())
            count += (await Get($"/api/programs/{program.GetProperty("id").GetString()}/commitments?region=Browser%20Enroll&pageSize=500"))
                .GetProperty("items").EnumerateArray().Count(c => c.GetProperty("providerId").GetString() == providerId);
        return count;
    }
}
