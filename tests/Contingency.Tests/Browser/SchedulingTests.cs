namespace Contingency.Tests.Browser;

using System.Net.Http.Json;
using System.Text.Json;
using Contingency.Infrastructure.Security;
using Contingency.Screens;
using Microsoft.Playwright;

/// <summary>
/// Scheduling in a real browser over the seeded demo: a free-slot search equal to the API's, a booking
/// double-clicked that books once, its cancellation, and the displaced worklist with a one-click rebook.
/// </summary>
[Collection(ScreensCollection.Name)]
public sealed class SchedulingTests(ScreensFixture screens)
{
    [Fact]
    public async Task A_scheduler_searches_books_once_cancels_and_rebooks_a_displaced_member()
    {
        using var admin = screens.Client(Roles.Admin);
        var region = (await admin.GetFromJsonAsync<JsonElement>("/api/providers?pageSize=1")).GetProperty("items")[0].GetProperty("region").GetString()!;
        using var api = screens.Client(Roles.Scheduling);

        var page = await screens.SignedInPage(Roles.Scheduling);
        await page.GotoAsync($"/scheduling/{screens.ProgramId}");
        await page.GetByLabel("Region").FillAsync(region);
        await page.GetByRole(AriaRole.Button, new() { Name = "Search", Exact = true }).ClickAsync();
        var rows = page.Locator("table.slots tbody tr");
        await Assertions.Expect(rows.First).ToBeVisibleAsync();

        var expected = await api.GetFromJsonAsync<List<JsonElement>>(
            $"/api/programs/{screens.ProgramId}/slots?region={Uri.EscapeDataString(region)}&limit=20");
        Assert.NotEmpty(expected!);
        Assert.Equal(expected!.Select(s => Show.Time(s.GetProperty("start").GetDateTimeOffset())), await page.Locator("td.slot-start").AllTextContentsAsync());
        Assert.Equal(expected!.Select(s => s.GetProperty("providerId").GetString()), await page.Locator("td.slot-provider").AllTextContentsAsync());
        await ScreensFixture.AssertAccessible(page);

        // Book the first slot, double-clicking the button: one appointment.
        var slot = expected![0];
        var providerId = slot.GetProperty("providerId").GetString()!;
        var start = slot.GetProperty("start").GetDateTimeOffset();
        await rows.First.GetByRole(AriaRole.Button).ClickAsync();
        await page.GetByLabel("Member reference").FillAsync("M-BROWSER-1");
        await page.GetByRole(AriaRole.Button, new() { Name = "Book", Exact = true }).DblClickAsync();
        var booked = page.Locator("p.booked");
        await Assertions.Expect(booked).ToContainTextAsync("Booked:");
        await ScreensFixture.AssertAccessible(page);
        await ScreensFixture.Screenshot(page, "scheduling");

        var day = start.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var held = (await api.GetFromJsonAsync<JsonElement>($"/api/appointments?providerId={providerId}&from={day}&to={day}&pageSize=500"))
            .GetProperty("items").EnumerateArray()
            .Where(a => a.GetProperty("start").GetDateTimeOffset() == start && a.GetProperty("memberRef").GetString() == "M-BROWSER-1").ToList();
        var appointment = Assert.Single(held);
        var appointmentId = appointment.GetProperty("id").GetString()!;

        // Open it and cancel it.
        await booked.GetByRole(AriaRole.Link).ClickAsync();
        await page.WaitForURLAsync($"**/appointments/{appointmentId}");
        await Assertions.Expect(page.Locator(".appointment-status")).ToHaveTextAsync("booked");
        await ScreensFixture.AssertAccessible(page);
        await page.GetByRole(AriaRole.Button, new() { Name = "Cancel…" }).ClickAsync();
        await page.GetByLabel("Reason").FillAsync("member asked to wait");
        await page.GetByLabel("Initiated by").SelectOptionAsync("member");
        await page.GetByRole(AriaRole.Button, new() { Name = "Confirm cancel" }).ClickAsync();
        await Assertions.Expect(page.Locator(".appointment-status")).ToHaveTextAsync("cancelled");
        await ScreensFixture.AssertAccessible(page);
        await ScreensFixture.Screenshot(page, "appointment");
        var cancelled = await api.GetFromJsonAsync<JsonElement>($"/api/appointments/{appointmentId}");
        Assert.Equal("cancelled", cancelled.GetProperty("status").GetString());
        Assert.Equal("member", cancelled.GetProperty("cancelInitiatedBy").GetString());

        // The displaced worklist: as many items as the API lists; the first rebooked onto its first suggestion with one click.
        var worklist = await api.GetFromJsonAsync<List<JsonElement>>($"/api/programs/{screens.ProgramId}/displaced");
        Assert.NotEmpty(worklist!);
        await page.GotoAsync($"/programs/{screens.ProgramId}/displaced");
        var items = page.Locator("li.displaced-item");
        await Assertions.Expect(items).ToHaveCountAsync(worklist!.Count);
        await Assertions.Expect(page.Locator("p.displaced-count")).ToContainTextAsync(Show.Count(worklist.Count) + " displaced");
        await ScreensFixture.AssertAccessible(page);
        await ScreensFixture.Screenshot(page, "displaced");

        var first = worklist[0];
        var suggestion = first.GetProperty("suggestions")[0];
        await items.First.GetByRole(AriaRole.Button).First.ClickAsync();
        await Assertions.Expect(page.Locator("p.done")).ToContainTextAsync("Rebooked as");
        await Assertions.Expect(items).ToHaveCountAsync(worklist.Count - 1);

        var displaced = await api.GetFromJsonAsync<JsonElement>($"/api/appointments/{first.GetProperty("appointmentId").GetString()}");
        var rebookedAs = displaced.GetProperty("rebookedAs").GetString()!;
        var replacement = await api.GetFromJsonAsync<JsonElement>($"/api/appointments/{rebookedAs}");
        Assert.Equal(suggestion.GetProperty("providerId").GetString(), replacement.GetProperty("providerId").GetString());
        Assert.Equal(suggestion.GetProperty("start").GetDateTimeOffset(), replacement.GetProperty("start").GetDateTimeOffset());
        Assert.Equal("booked", replacement.GetProperty("status").GetString());
        await Assertions.Expect(page.Locator("p.done a")).ToHaveAttributeAsync("href", $"/appointments/{rebookedAs}");

        // The appointments of the day booked above: the total the API counts for it.
        await page.GotoAsync($"/scheduling/{screens.ProgramId}/appointments");
        await Assertions.Expect(page.GetByLabel("Day")).Not.ToHaveValueAsync("");
        await page.GetByLabel("Day").FillAsync(day);
        await page.GetByRole(AriaRole.Button, new() { Name = "Show", Exact = true }).ClickAsync();
        var total = (await api.GetFromJsonAsync<JsonElement>($"/api/appointments?programId={screens.ProgramId}&from={day}&to={day}&pageSize=1"))
            .GetProperty("total").GetInt32();
        Assert.True(total > 0);
        await Assertions.Expect(page.Locator("p.appointment-total")).ToContainTextAsync(Show.Count(total) + " appointment");
        await ScreensFixture.AssertAccessible(page);
        await ScreensFixture.Screenshot(page, "appointments");
    }
}
