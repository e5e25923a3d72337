namespace Contingency.Benchmarks;

using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Contingency.Infrastructure.Security;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

/// <summary>
/// The interop routes on a copy of the benchmark data set (10,000 providers, a million bookings), in
/// process, medians of 21 after 3 unmeasured requests:
/// - a calendar feed: one more provider, committed 8 slots a day, Monday to Friday, for the program's
///   8 weeks, half its slots booked and one in ten of those cancelled, fetched on the program's first
///   day (the window holds all 8 weeks: 320 slot events and the cancelled appointments);
/// - FHIR Slot searches of a region's week of free slots (1,000 providers, about 17,000 free slots):
///   the first page (50), a page of 500, and the page at offset 5,000.
/// </summary>
public static class InteropBenchmark
{
    private const int Repetitions = 21;
    private const string SigningKey = "contingency-benchmark-signing-key-0123456789";

    public static async Task RunAsync()
    {
        await Seed.EnsureAsync();
        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_CONTINGENCY", Path.Combine(LoadTest.RepoRoot(), "src", "Contingency"));
        var database = await BenchDatabase.CopyAsync("interop");
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2027-02-20T12:00:00-08:00"));
        await using var app = new WebApplicationFactory<global::Program>().WithWebHostBuilder(b =>
        {
            foreach (var (key, value) in BenchDatabase.ServiceSettings(database)) b.UseSetting(key, value);
            b.UseSetting("Scheduler:AutoStart", "false");
            b.UseSetting("Auth:SigningKey", SigningKey);
            b.UseSetting("RateLimiting:Burst", "1000000");
            b.UseSetting("RateLimiting:PermitsPerSecond", "1000000");
            b.ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Warning));
            b.ConfigureServices(s => s.AddSingleton<TimeProvider>(clock));
        });
        var http = app.CreateClient();
        http.Timeout = TimeSpan.FromMinutes(2);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Tokens.Create(System.Text.Encoding.UTF8.GetBytes(SigningKey),
            Authentication.DefaultIssuer, Authentication.DefaultAudience, "benchmark", [Roles.Admin], null, clock.GetUtcNow(), TimeSpan.FromDays(30)));

        var feed = await FeedOfABusyProviderAsync(http);
        clock.SetUtcNow(DateTimeOffset.Parse("2027-03-01T07:00:00-08:00"));
        var anonymous = app.CreateClient();
        var body = await anonymous.GetStringAsync(feed);
        Console.WriteLine($"feed: {body.Length / 1024} KB, {body.Split("BEGIN:VEVENT").Length - 1} events, {body.Split("STATUS:CANCELLED").Length - 1} cancelled");
        Report("calendar feed, 8 weeks of 8 slots a day", await TimeAsync(() => anonymous.GetAsync(feed)));
        var etag = (await anonymous.GetAsync(feed)).Headers.ETag!;
        Report("calendar feed, a poll that finds it unchanged (304)", await TimeAsync(async () =>
        {
            using var poll = new HttpRequestMessage(HttpMethod.Get, feed);
            poll.Headers.IfNoneMatch.Add(etag);
            return await anonymous.SendAsync(poll);
        }, expect: System.Net.HttpStatusCode.NotModified));
        Report("  of which writing it with Ical.Net", WritingOnly(Contingency.Data.Calendar.ProgramZone.Find("America/Los_Angeles")));

        const string week = $"/fhir/Slot?program={Seed.ProgramId}&region=Sacramento&status=free&start=ge2027-03-15&start=le2027-03-19";
        Report("FHIR Slot search, a region's week, first 50", await TimeAsync(() => http.GetAsync(week)));
        Report("FHIR Slot search, a region's week, 500", await TimeAsync(() => http.GetAsync(week + "&_count=500")));
        Report("FHIR Slot search, a region's week, 50 at offset 5,000", await TimeAsync(() => http.GetAsync(week + "&_offset=5000")));
        var pageOf500 = await http.GetStringAsync(week + "&_count=500");
        Console.WriteLine($"  a page of 500: {pageOf500.Length / 1024} KB");
        Report("FHIR Appointment search, a provider's, first 50", await TimeAsync(() => http.GetAsync($"/fhir/Appointment?practitioner={Seed.ProviderId(4242)}")));

        await BenchDatabase.DropCopyAsync("interop");
    }

    /// <summary>A provider enrolled and committed through the API, half its slots booked, one booking in ten cancelled; its feed URL.</summary>
    private static async Task<string> FeedOfABusyProviderAsync(HttpClient http)
    {
        var nine = Random.Shared.Next(100_000_000, 999_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var provider = await PostAsync(http, "/api/providers", new
        {
            name = "Feed benchmark", npi = nine + Contingency.Data.Npi.CheckDigit(nine), licenseType = "LMFT", licenseNumber = "L-feed",
            email = "feed@example.org", region = "Sacramento", modalities = new[] { "video" }, languages = new[] { "en" },
        });
        var providerId = provider.GetProperty("id").GetString()!;
        await PostAsync(http, $"/api/programs/{Seed.ProgramId}/commitments", new
        {
            providerId, slotsPerDay = 8, weekdays = new[] { "Monday", "Tuesday", "Wednesday", "Thursday", "Friday" },
            firstSlotAt = "08:00", startsOn = "2027-03-01", weeks = 8, excludedDates = Array.Empty<string>(),
        });
        var slots = await http.GetFromJsonAsync<JsonElement>($"/api/providers/{providerId}/slots");
        var n = 0;
        foreach (var slot in slots.EnumerateArray().Where((_, i) => i % 2 == 0))
        {
            var booked = await PostAsync(http, "/api/appointments", new
            {
                providerId, start = slot.GetProperty("start").GetString(), memberRef = $"M-FEED-{n}", kind = "intake", modality = "video",
            });
            if (n++ % 10 == 0)
                await PostAsync(http, $"/api/appointments/{booked.GetProperty("id").GetString()}/cancel", new { reason = "benchmark", initiatedBy = "member" });
        }
        return (await PostAsync(http, $"/api/providers/{providerId}/calendar-feed", null)).GetProperty("url").GetString()!;
    }

    private static async Task<JsonElement> PostAsync(HttpClient http, string path, object? body)
    {
        using var response = await http.PostAsJsonAsync(path, body);
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static async Task<List<double>> TimeAsync(Func<Task<HttpResponseMessage>> request, System.Net.HttpStatusCode expect = System.Net.HttpStatusCode.OK)
    {
        var times = new List<double>();
        for (var i = -3; i < Repetitions; i++)
        {
            var watch = Stopwatch.StartNew();
            using var response = await request();
            await response.Content.ReadAsByteArrayAsync();
            watch.Stop();
            if (response.StatusCode != expect) throw new InvalidOperationException($"{(int)response.StatusCode}");
            if (i >= 0) times.Add(watch.Elapsed.TotalMilliseconds);
        }
        return times;
    }

    /// <summary>The same number of events, written alone: what the feed's time is without the database.</summary>
    private static List<double> WritingOnly(Contingency.Data.Calendar.ProgramZone zone)
    {
        var start = DateTimeOffset.Parse("2027-03-01T08:00:00-08:00");
        var events = Enumerable.Range(0, 336).Select(i => new Contingency.Features.CalendarFeeds.FeedEvent(
            $"slot-{i}@contingency", i % 3, start.AddDays(i / 8 * 7 / 5).AddHours(i % 8), start.AddDays(i / 8 * 7 / 5).AddHours(i % 8 + 1), zone,
            i % 2 == 0 ? "Open slot" : "Intake appointment", $"Appointment {i:D32}", i % 2 == 1, i % 21 == 0, start)).ToList();
        var times = new List<double>();
        for (var i = -3; i < Repetitions; i++)
        {
            var watch = Stopwatch.StartNew();
            Contingency.Features.CalendarFeeds.CalendarFile.Write("benchmark", events);
            if (i >= 0) times.Add(watch.Elapsed.TotalMilliseconds);
        }
        return times;
    }

    private static void Report(string what, List<double> ms)
    {
        var sorted = ms.Order().ToList();
        Console.WriteLine($"{what}: median {sorted[sorted.Count / 2]:F1} ms, min {sorted[0]:F1}, max {sorted[^1]:F1}");
    }
}
