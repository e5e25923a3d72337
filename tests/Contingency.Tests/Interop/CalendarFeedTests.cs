namespace Contingency.Tests.Interop;

using System.Net;
using System.Net.Http.Headers;
using Contingency.Data.Entities;
using Contingency.Tests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Ical.Net;
using Ical.Net.CalendarComponents;
using Ical.Net.Serialization;
using ICalendar = Ical.Net.Calendar;

/// <summary>A provider's calendar feed: what a calendar app subscribed to the secret URL sees.</summary>
public sealed class CalendarFeedTests(ContingencyApp app) : IClassFixture<ContingencyApp>
{
    private const string Zone = "America/Los_Angeles";
    private readonly Api api = app.Api();

    private async Task<string> IssueFeed(string providerId) =>
        (await api.Post($"/api/providers/{providerId}/calendar-feed", null)).Expect(HttpStatusCode.OK).Str("url");

    /// <summary>The feed as an app without any token fetches it.</summary>
    private async Task<HttpResponseMessage> Fetch(string url, Action<HttpRequestHeaders>? headers = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        headers?.Invoke(request.Headers);
        return await app.ClientWith(null).SendAsync(request);
    }

    private async Task<(ICalendar Calendar, string Raw)> Feed(string url)
    {
        var response = await Fetch(url);
        var raw = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, raw);
        Assert.Equal("text/calendar", response.Content.Headers.ContentType?.MediaType);
        return (ICalendar.Load(raw)!, raw);
    }

    private static CalendarEvent At(ICalendar calendar, string local) =>
        calendar.Events.Single(e => e.DtStart!.Value == DateTime.Parse(local) && e.Status != EventStatus.Cancelled);

    private static DateTimeOffset Instant(CalendarEvent e) => new(e.DtStart!.AsUtc, TimeSpan.Zero);

    private static string SecretOf(string url) => Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(new Uri(url).Query)["secret"].ToString();

    [Fact]
    public async Task The_feed_has_every_committed_slot_of_the_window_in_the_programs_zone_across_the_spring_change()
    {
        var (_, providerId, _) = await api.Scenario();
        var url = await IssueFeed(providerId);
        Assert.StartsWith("http://localhost/calendar/feed.ics?secret=", url);

        var (calendar, raw) = await Feed(url);

        // Today is 2027-02-01; the window runs to 2027-03-28: the commitment's first four weeks, 6 slots a weekday.
        Assert.Equal(120, calendar.Events.Count);
        Assert.Equal(120, calendar.Events.Select(e => e.Uid).Distinct().Count());
        Assert.All(calendar.Events, e =>
        {
            Assert.Equal(0, e.Sequence);
            Assert.Equal(TransparencyType.Transparent, e.Transparency);
            Assert.Equal(Zone, e.DtStart!.TzId);
            Assert.Equal(TimeSpan.FromHours(1), e.DtEnd!.AsUtc - e.DtStart.AsUtc);
        });
        Assert.Equal(new DateTimeOffset(2027, 3, 12, 17, 0, 0, TimeSpan.Zero), Instant(At(calendar, "2027-03-12T09:00")));
        Assert.Equal(new DateTimeOffset(2027, 3, 15, 16, 0, 0, TimeSpan.Zero), Instant(At(calendar, "2027-03-15T09:00")));
        Assert.DoesNotContain(calendar.Events, e => e.DtStart!.Value >= new DateTime(2027, 3, 29));

        // The VTIMEZONE the feed carries says the same: standard time, then daylight time from 02:00 on 14 March.
        var zone = Assert.Single(calendar.TimeZones);
        Assert.Equal(Zone, zone.TzId);
        var spring = Assert.Single(zone.TimeZoneInfos, i => i.Name == Components.Daylight);
        Assert.Equal(new DateTime(2027, 3, 14, 2, 0, 0), spring.DtStart!.Value);
        Assert.Equal(TimeSpan.FromHours(-8), spring.OffsetFrom!.Offset);
        Assert.Equal(TimeSpan.FromHours(-7), spring.OffsetTo!.Offset);
        Assert.Contains("DTSTART;TZID=America/Los_Angeles:20270312T090000", raw);
        Assert.Contains("DTSTART;TZID=America/Los_Angeles:20270315T090000", raw);

        // What Ical.Net reads it writes again, event for event.
        var again = ICalendar.Load(new CalendarSerializer().SerializeToString(calendar)!)!;
        Assert.Equal(calendar.Events.Select(e => (e.Uid, e.Sequence, Instant(e), e.Transparency)),
            again.Events.Select(e => (e.Uid, e.Sequence, Instant(e), e.Transparency)));
    }

    [Fact]
    public async Task A_booking_a_cancellation_and_a_reschedule_change_the_sequence_and_status_of_the_right_events()
    {
        var (_, providerId, _) = await api.Scenario();
        var url = await IssueFeed(providerId);
        var (before, _) = await Feed(url);
        var x = At(before, "2027-03-15T10:00");
        var y = At(before, "2027-03-16T10:00");

        var first = await api.Book(Api.BookingBody(providerId, "2027-03-15T10:00:00-07:00", memberRef: "M-FEED-77"));
        var (booked, raw) = await Feed(url);
        var heldX = booked.Events.Single(e => e.Uid == x.Uid);
        Assert.Equal(1, heldX.Sequence);
        Assert.Equal(TransparencyType.Opaque, heldX.Transparency);
        Assert.Equal("Intake appointment", heldX.Summary);
        Assert.Equal($"Appointment {first.Id()}", heldX.Description);
        Assert.DoesNotContain("M-FEED-77", raw);
        Assert.Equal(119, booked.Events.Count(e => e.Sequence == 0));

        (await api.Post($"/api/appointments/{first.Id()}/cancel", new { reason = "member asked", initiatedBy = "member" })).Expect(HttpStatusCode.OK);
        var (cancelled, _) = await Feed(url);
        var freedX = cancelled.Events.Single(e => e.Uid == x.Uid);
        Assert.Equal(2, freedX.Sequence);
        Assert.Equal(TransparencyType.Transparent, freedX.Transparency);
        Assert.Equal("Open slot", freedX.Summary);
        var gone = cancelled.Events.Single(e => e.Status == EventStatus.Cancelled);
        Assert.Equal($"Appointment {first.Id()}", gone.Description);
        Assert.Equal("Cancelled: intake appointment", gone.Summary);
        Assert.Equal(x.DtStart!.AsUtc, gone.DtStart!.AsUtc);
        Assert.Equal(121, cancelled.Events.Count);

        var second = await api.Book(Api.BookingBody(providerId, "2027-03-15T10:00:00-07:00", memberRef: "M-FEED-78",
            kind: "follow-up", previousVisitOn: "2027-03-08"));
        var moved = (await api.Post($"/api/appointments/{second.Id()}/reschedule",
            new { providerId, start = "2027-03-16T10:00:00-07:00" })).Expect(HttpStatusCode.Created);
        var (rescheduled, _) = await Feed(url);
        // X: two appointments, each booked and then given up.
        Assert.Equal(4, rescheduled.Events.Single(e => e.Uid == x.Uid).Sequence);
        Assert.Equal(TransparencyType.Transparent, rescheduled.Events.Single(e => e.Uid == x.Uid).Transparency);
        var heldY = rescheduled.Events.Single(e => e.Uid == y.Uid);
        Assert.Equal(1, heldY.Sequence);
        Assert.Equal(TransparencyType.Opaque, heldY.Transparency);
        Assert.Equal("Follow-up appointment", heldY.Summary);
        Assert.Equal($"Appointment {moved.Id()}", heldY.Description);
        var movedAway = rescheduled.Events.Single(e => e.Status == EventStatus.Cancelled && e.Description == $"Appointment {second.Id()}");
        Assert.Equal("Rescheduled: follow-up appointment", movedAway.Summary);
        Assert.Equal(2, rescheduled.Events.Count(e => e.Status == EventStatus.Cancelled));
        Assert.Equal(118, rescheduled.Events.Count(e => e.Sequence == 0));
    }

    [Fact]
    public async Task An_unchanged_feed_answers_304_to_its_etag_and_date_and_a_change_gives_a_new_etag()
    {
        var (_, providerId, commitmentId) = await api.Scenario();
        var url = await IssueFeed(providerId);
        var first = await Fetch(url);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var etag = first.Headers.ETag!;
        var modified = first.Content.Headers.LastModified!.Value;

        var byTag = await Fetch(url, h => h.IfNoneMatch.Add(etag));
        Assert.Equal(HttpStatusCode.NotModified, byTag.StatusCode);
        Assert.Equal(etag, byTag.Headers.ETag);
        Assert.Empty(await byTag.Content.ReadAsByteArrayAsync());
        Assert.Equal(HttpStatusCode.NotModified, (await Fetch(url, h => h.IfModifiedSince = modified)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Fetch(url, h => h.IfNoneMatch.Add(new EntityTagHeaderValue("\"other\"")))).StatusCode);

        app.Clock.Advance(TimeSpan.FromMinutes(5));
        await api.Book(Api.BookingBody(providerId, "2027-03-02T09:00:00-08:00"));
        var changed = await Fetch(url, h => h.IfNoneMatch.Add(etag));
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.NotEqual(etag, changed.Headers.ETag);
        Assert.True(changed.Content.Headers.LastModified > modified);
        Assert.Equal(HttpStatusCode.OK, (await Fetch(url, h => h.IfModifiedSince = modified)).StatusCode);

        // A withdrawal that displaces nobody changes no appointment, only which slots there are: the
        // feed's date moves all the same, so a client that sends only If-Modified-Since sees it.
        var booked = changed.Content.Headers.LastModified!.Value;
        app.Clock.Advance(TimeSpan.FromMinutes(5));
        (await api.Post($"/api/commitments/{commitmentId}/withdraw", new { effectiveOn = "2027-03-22", reason = "leaving" })).Expect(HttpStatusCode.OK);
        var withdrawn = await Fetch(url, h => h.IfModifiedSince = booked);
        Assert.Equal(HttpStatusCode.OK, withdrawn.StatusCode);
        Assert.True(withdrawn.Content.Headers.LastModified > booked);
        Assert.DoesNotContain("20270322T", await withdrawn.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Events_on_the_spring_change_day_keep_an_hour_each_and_the_missing_hour_has_none()
    {
        var program = await api.CreateProgram(Api.ProgramBody());
        var provider = await api.Enroll();
        await api.Commit(program.Id(), Api.CommitmentBody(provider.Id(), slotsPerDay: 4, weekdays: ["Sunday"], firstSlotAt: "00:00"));
        var (calendar, _) = await Feed(await IssueFeed(provider.Id()));

        var changeDay = calendar.Events.Where(e => e.DtStart!.Value.Date == new DateTime(2027, 3, 14)).OrderBy(e => e.DtStart!.AsUtc).ToList();
        // 00:00 and 01:00 in standard time, 02:00 does not exist that night, 03:00 in daylight time.
        Assert.Equal(["2027-03-14T08:00:00Z", "2027-03-14T09:00:00Z", "2027-03-14T10:00:00Z"],
            changeDay.Select(e => e.DtStart!.AsUtc.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'")));
        Assert.All(changeDay, e => Assert.Equal(TimeSpan.FromHours(1), e.DtEnd!.AsUtc - e.DtStart!.AsUtc));
    }

    [Fact]
    public async Task A_new_secret_replaces_the_old_one_and_no_secret_is_kept_or_logged()
    {
        var (_, providerId, _) = await api.Scenario();
        var old = await IssueFeed(providerId);
        var current = await IssueFeed(providerId);
        Assert.NotEqual(old, current);

        var refused = await Fetch(old);
        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Contains("\"code\":\"not-found\"", await refused.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await Fetch(current)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Fetch("/calendar/feed.ics?secret=not-a-secret")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Fetch($"/calendar/feed.ics?secret={new string('a', 43)}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Fetch("/calendar/feed.ics")).StatusCode);

        var secret = SecretOf(current);
        await using (var db = app.OpenDatabase())
        {
            await using var command = db.CreateCommand();
            command.CommandText = "SELECT \"SecretHash\" FROM \"CalendarFeeds\"";
            var hashes = new List<string>();
            await using (var reader = await command.ExecuteReaderAsync())
                while (await reader.ReadAsync()) hashes.Add(reader.GetString(0));
            Assert.Contains(CalendarFeed.HashOf(secret), hashes);
            Assert.DoesNotContain(secret, hashes);
        }
        var audit = (await api.Get($"/api/audit?entityType=calendar-feed&entityId={providerId}")).Expect(HttpStatusCode.OK);
        Assert.Equal(2, audit.GetProperty("items").GetArrayLength());
        Assert.All(audit.GetProperty("items").EnumerateArray(), e =>
        {
            Assert.Equal("issue-calendar-feed", e.Str("action"));
            Assert.DoesNotContain(CalendarFeed.HashOf(secret), e.Str("summary"));
        });
        Assert.DoesNotContain(app.Logs.Lines, l => l.Contains(secret, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Two_issues_that_read_the_same_secret_cannot_both_save_so_nobody_holds_a_dead_url()
    {
        var provider = (await api.Enroll()).Id();
        await IssueFeed(provider);
        using var first = app.Services.CreateScope();
        using var second = app.Services.CreateScope();
        var one = first.ServiceProvider.GetRequiredService<Contingency.Data.ContingencyDb>();
        var other = second.ServiceProvider.GetRequiredService<Contingency.Data.ContingencyDb>();
        var mine = await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.SingleAsync(one.CalendarFeeds, f => f.ProviderId == provider);
        var theirs = await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.SingleAsync(other.CalendarFeeds, f => f.ProviderId == provider);
        mine.Issue(app.Now);
        theirs.Issue(app.Now);
        await one.SaveChangesAsync();
        // The second save finds the hash it read gone: refused (the API answers it 409 concurrent-update).
        await Assert.ThrowsAsync<Microsoft.EntityFrameworkCore.DbUpdateConcurrencyException>(() => other.SaveChangesAsync());
    }

    /// <summary>The database fails as the feed is read: a fault that reaches the error handler as it stands.</summary>
    private sealed class FeedReadFails : Microsoft.EntityFrameworkCore.Diagnostics.DbCommandInterceptor
    {
        public override ValueTask<Microsoft.EntityFrameworkCore.Diagnostics.InterceptionResult<System.Data.Common.DbDataReader>> ReaderExecutingAsync(
            System.Data.Common.DbCommand command, Microsoft.EntityFrameworkCore.Diagnostics.CommandEventData eventData,
            Microsoft.EntityFrameworkCore.Diagnostics.InterceptionResult<System.Data.Common.DbDataReader> result, CancellationToken cancellationToken = default) =>
            command.CommandText.Contains("\"CalendarFeeds\"", StringComparison.Ordinal) && command.CommandText.Contains("\"SecretHash\" =", StringComparison.Ordinal)
                ? throw new InvalidOperationException("the database went away")
                : ValueTask.FromResult(result);
    }

    [Fact]
    public async Task A_feed_that_fails_is_a_500_and_no_log_line_holds_the_secret()
    {
        await using var failing = new ContingencyApp { SchedulerRuns = false };
        var staff = failing.Api();
        var provider = (await staff.Enroll()).Id();
        var url = (await staff.Post($"/api/providers/{provider}/calendar-feed", null)).Expect(HttpStatusCode.OK).Str("url");
        await using var broken = ContingencyApp.Over(failing.DatabasePath, failing.Clock);
        broken.Interceptors.Add(new FeedReadFails());
        broken.SchedulerRuns = false;

        var response = await broken.ClientWith(null).GetAsync(url);
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var secret = SecretOf(url);
        Assert.Contains(broken.Logs.Lines, l => l.Contains("/calendar/feed.ics", StringComparison.Ordinal));
        var leaked = broken.Logs.Lines.Where(l => l.Contains(secret, StringComparison.Ordinal)).ToList();
        Assert.True(leaked.Count == 0, string.Join("\n", leaked));
        Assert.DoesNotContain(secret, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Enrollment_and_the_provider_itself_issue_a_feed_and_nobody_else()
    {
        var (_, providerId, _) = await api.Scenario();
        var other = await api.Enroll();
        var path = $"/api/providers/{providerId}/calendar-feed";

        Assert.StartsWith("http://localhost/calendar/feed.ics?secret=", (await app.ApiAsProvider(providerId).Post(path, null)).Expect(HttpStatusCode.OK).Str("url"));
        (await app.ApiAs("enrolment-staff", "enrollment").Post(path, null)).Expect(HttpStatusCode.OK);
        (await app.ApiAsProvider(other.Id()).Post(path, null)).ExpectProblem(HttpStatusCode.NotFound, "not-found");
        (await app.ApiAs("scheduler", "scheduling").Post(path, null)).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        (await new Api(app.ClientWith(null)).Post(path, null)).ExpectProblem(HttpStatusCode.Unauthorized, "unauthenticated");
        (await api.Post("/api/providers/nope/calendar-feed", null)).ExpectProblem(HttpStatusCode.NotFound, "not-found");
    }

    [Fact]
    public async Task Events_keep_their_wall_clock_times_across_the_autumn_change()
    {
        await using var autumn = new ContingencyApp();
        autumn.Clock.SetUtcNow(new DateTimeOffset(2027, 10, 20, 16, 0, 0, TimeSpan.Zero));
        var staff = autumn.Api();
        var program = await staff.CreateProgram(Api.ProgramBody(startsOn: "2027-10-25", weeks: 4));
        var provider = await staff.Enroll();
        await staff.Commit(program.Id(), Api.CommitmentBody(provider.Id(), startsOn: "2027-10-25", weeks: 4, slotsPerDay: 10, firstSlotAt: "00:00",
            weekdays: ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Sunday"]));
        var url = (await staff.Post($"/api/providers/{provider.Id()}/calendar-feed", null)).Expect(HttpStatusCode.OK).Str("url");

        var response = await autumn.ClientWith(null).GetAsync(url);
        var calendar = ICalendar.Load(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(new DateTimeOffset(2027, 11, 5, 16, 0, 0, TimeSpan.Zero), Instant(At(calendar, "2027-11-05T09:00")));
        Assert.Equal(new DateTimeOffset(2027, 11, 8, 17, 0, 0, TimeSpan.Zero), Instant(At(calendar, "2027-11-08T09:00")));
        var fall = Assert.Single(Assert.Single(calendar.TimeZones).TimeZoneInfos, i => i.Name == Components.Standard && i.OffsetFrom!.Offset != i.OffsetTo!.Offset);
        Assert.Equal(new DateTime(2027, 11, 7, 2, 0, 0), fall.DtStart!.Value);
        Assert.Equal(TimeSpan.FromHours(-7), fall.OffsetFrom!.Offset);
        Assert.Equal(TimeSpan.FromHours(-8), fall.OffsetTo!.Offset);

        // The change day: 01:00 comes twice; the slot at the first 01:00 ends at the second, which the
        // file gives in UTC (a local 01:00 would read as the first). Every event keeps its hour.
        var changeDay = calendar.Events.Where(e => e.DtStart!.Value.Date == new DateTime(2027, 11, 7)).OrderBy(e => e.DtStart!.AsUtc).ToList();
        Assert.Equal(10, changeDay.Count);
        Assert.Equal(["2027-11-07T07:00:00Z", "2027-11-07T08:00:00Z", "2027-11-07T10:00:00Z"],
            changeDay.Take(3).Select(e => e.DtStart!.AsUtc.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'")));
        Assert.All(changeDay, e => Assert.Equal(TimeSpan.FromHours(1), e.DtEnd!.AsUtc - e.DtStart!.AsUtc));
        Assert.True(changeDay[1].DtEnd!.IsUtc);

        // Two weeks later the window starts two weeks back: 1 November, not the commitment's first week.
        autumn.Clock.SetUtcNow(new DateTimeOffset(2027, 11, 15, 16, 0, 0, TimeSpan.Zero));
        var later = ICalendar.Load(await (await autumn.ClientWith(null).GetAsync(url)).Content.ReadAsStringAsync())!;
        Assert.Equal(new DateTime(2027, 11, 1), later.Events.Min(e => e.DtStart!.Value.Date));
        Assert.Equal(new DateTime(2027, 11, 21), later.Events.Max(e => e.DtStart!.Value.Date));
    }
}
