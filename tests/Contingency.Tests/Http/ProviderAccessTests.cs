namespace Contingency.Tests.Http;

using System.Net;
using Contingency.Infrastructure.Security;
using Contingency.Tests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

/// <summary>
/// A provider sees its own records only: another provider's record, slots, appointments and
/// payments answer exactly as ids that do not exist, and nothing of theirs can be changed.
/// </summary>
public sealed class ProviderAccessTests(ContingencyApp app) : IClassFixture<ContingencyApp>
{
    private readonly Api admin = app.Api();

    private async Task<(string Mine, string MyAppointment, string Theirs, string TheirAppointment)> TwoProvidersWithBookings()
    {
        var (programId, mine, _) = await admin.Scenario();
        var theirs = (await admin.Enroll()).Id();
        await admin.Commit(programId, Api.CommitmentBody(theirs));
        var myAppointment = (await admin.Book(Api.BookingBody(mine, "2027-03-02T09:00:00-08:00"))).Id();
        var theirAppointment = (await admin.Book(Api.BookingBody(theirs, "2027-03-02T09:00:00-08:00"))).Id();
        return (mine, myAppointment, theirs, theirAppointment);
    }

    [Fact]
    public async Task Another_providers_records_are_not_found_and_look_like_missing_ones()
    {
        var (mine, _, theirs, theirAppointment) = await TwoProvidersWithBookings();
        var me = app.ApiAsProvider(mine);

        foreach (var path in new[]
                 {
                     $"/api/providers/{theirs}", $"/api/providers/{theirs}/slots", $"/api/providers/{theirs}/payments",
                     $"/api/appointments/{theirAppointment}",
                 })
        {
            var refused = (await me.Get(path)).ExpectProblem(HttpStatusCode.NotFound, "not-found");
            // Word for word what an id that exists nowhere gets: no hint that this one does.
            var missing = (await me.Get(path.Replace(theirs, "nobody").Replace(theirAppointment, "nothing")))
                .ExpectProblem(HttpStatusCode.NotFound, "not-found");
            Assert.Equal(missing.Str("title"), refused.Str("title"));
            Assert.Equal(missing.Str("detail").Replace("nobody", theirs).Replace("nothing", theirAppointment), refused.Str("detail"));
        }
    }

    /// <summary>
    /// Generated from the endpoints: every route the provider role may call, given the other
    /// provider's real ids, answers 404 and changes nothing. A route added for providers without
    /// the check in its handler fails here (or, when its ids are of a new kind, says so).
    /// </summary>
    [Fact]
    public async Task Every_route_a_provider_may_call_refuses_another_providers_records_and_changes_nothing()
    {
        var (mine, _, theirs, theirAppointment) = await TwoProvidersWithBookings();
        var me = app.ApiAsProvider(mine);
        var routes = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<AllowedRoles>()?.OwnProvider == true)
            .SelectMany(e => e.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods.Select(m => (Method: m, Pattern: e.RoutePattern.RawText!)))
            .ToList();
        Assert.True(routes.Count >= 6, $"only {routes.Count} provider routes found");
        var theirBooking = (await admin.Get($"/api/appointments/{theirAppointment}")).Expect(HttpStatusCode.OK);
        var programId = theirBooking.Str("programId");
        var theirCommitment = theirBooking.Str("commitmentId");
        // The FHIR ids of the other provider's records, by resource type; a search names them in its parameter.
        var theirFhir = new Dictionary<string, (string Id, string Search)>
        {
            ["Practitioner"] = (theirs, ""),
            ["Slot"] = ($"{theirCommitment}-202703021700", $"schedule={theirCommitment}"),
            ["Appointment"] = (theirAppointment, $"practitioner={theirs}"),
        };
        // Their slot at 09:00 on 2 March exists: a provider's 404 for it is about whose it is.
        using (var theirSlot = await admin.Http.GetAsync($"/fhir/Slot/{theirCommitment}-202703021700"))
            Assert.Equal(HttpStatusCode.OK, theirSlot.StatusCode);
        var before = Snapshot();

        foreach (var (method, pattern) in routes)
        {
            if (pattern.StartsWith("/api/programs/", StringComparison.Ordinal))
            {
                // A program is both providers': its lists answer a provider with its own rows, and none of the other's.
                using var narrowed = await me.Http.GetAsync(pattern.Replace("{id}", programId));
                var text = await narrowed.Content.ReadAsStringAsync();
                Assert.True(narrowed.StatusCode == HttpStatusCode.OK, $"{method} {pattern}: {(int)narrowed.StatusCode} {text}");
                Assert.Contains(mine, text);
                Assert.DoesNotContain(theirs, text);
                continue;
            }
            if (pattern.StartsWith("/fhir/", StringComparison.Ordinal))
            {
                var type = pattern.Split('/')[2];
                var (theirId, search) = theirFhir[type];
                var read = pattern.EndsWith("{id}", StringComparison.Ordinal);
                using var answer = await me.Http.GetAsync(read ? pattern.Replace("{id}", theirId) : $"{pattern}?{search}");
                var text = await answer.Content.ReadAsStringAsync();
                // A read is 404 (its message names the id asked for, as for one that exists nowhere); a search
                // naming their records finds nothing of theirs.
                Assert.True(answer.StatusCode == (read ? HttpStatusCode.NotFound : HttpStatusCode.OK), $"{method} {pattern}: {(int)answer.StatusCode} {text}");
                if (read) Assert.Contains("\"not-found\"", text);
                else
                {
                    Assert.DoesNotContain(theirs, text.Replace($"{search}", ""));
                    Assert.DoesNotContain(theirCommitment, text.Replace($"{search}", ""));
                }
                continue;
            }
            if (pattern.TrimEnd('/') == "/api/appointments")
            {
                (await me.Get($"/api/appointments?providerId={theirs}")).ExpectProblem(HttpStatusCode.NotFound, "not-found");
                continue;
            }
            var id = pattern.StartsWith("/api/providers/", StringComparison.Ordinal) ? theirs
                : pattern.StartsWith("/api/appointments/", StringComparison.Ordinal) ? theirAppointment
                : throw new Xunit.Sdk.XunitException($"{pattern}: say here which of the other provider's ids it takes");
            var path = pattern.Replace("{id}", id);
            var response = method == "GET" ? await me.Get(path) : await me.Post(path, null);
            Assert.True(response.Status == HttpStatusCode.NotFound, $"{method} {path}: {(int)response.Status} {response.Raw}");
            response.ExpectProblem(HttpStatusCode.NotFound, "not-found");
        }
        Assert.Equal(before, Snapshot());
    }

    [Fact]
    public async Task A_provider_cannot_complete_or_mark_another_providers_appointment_and_nothing_changes()
    {
        var (mine, _, _, theirAppointment) = await TwoProvidersWithBookings();
        var me = app.ApiAsProvider(mine);
        var before = Snapshot();

        (await me.Post($"/api/appointments/{theirAppointment}/complete", null)).ExpectProblem(HttpStatusCode.NotFound, "not-found");
        (await me.Post($"/api/appointments/{theirAppointment}/no-show", null)).ExpectProblem(HttpStatusCode.NotFound, "not-found");
        // Cancelling and rescheduling are the schedulers' work, whoever's appointment it is.
        (await me.Post($"/api/appointments/{theirAppointment}/cancel", new { reason = "x", initiatedBy = "provider" }))
            .ExpectProblem(HttpStatusCode.Forbidden, "forbidden");

        Assert.Equal(before, Snapshot());
        Assert.Equal("booked", (await admin.Get($"/api/appointments/{theirAppointment}")).Expect(HttpStatusCode.OK).Str("status"));
    }

    [Fact]
    public async Task A_provider_reads_its_own_records_and_completes_or_marks_its_own_appointments()
    {
        var (mine, myAppointment, _, _) = await TwoProvidersWithBookings();
        var second = (await admin.Book(Api.BookingBody(mine, "2027-03-02T10:00:00-08:00"))).Id();
        var me = app.ApiAsProvider(mine);

        Assert.Equal(mine, (await me.Get($"/api/providers/{mine}")).Expect(HttpStatusCode.OK).Id());
        Assert.NotEqual(0, (await me.Get($"/api/providers/{mine}/slots?from=2027-03-02&to=2027-03-02")).Expect(HttpStatusCode.OK).GetArrayLength());
        Assert.NotEqual(0, (await me.Get($"/api/providers/{mine}/payments")).Expect(HttpStatusCode.OK).GetArrayLength());
        Assert.Equal(myAppointment, (await me.Get($"/api/appointments/{myAppointment}")).Expect(HttpStatusCode.OK).Id());
        Assert.Equal("completed", (await me.Post($"/api/appointments/{myAppointment}/complete", null)).Expect(HttpStatusCode.OK).Str("status"));
        Assert.Equal("no-show", (await me.Post($"/api/appointments/{second}/no-show", null)).Expect(HttpStatusCode.OK).Str("status"));
    }

    [Fact]
    public async Task A_provider_may_not_book_list_or_read_what_is_not_in_its_role()
    {
        var (mine, _, _, _) = await TwoProvidersWithBookings();
        var me = app.ApiAsProvider(mine);
        (await me.Post("/api/appointments", Api.BookingBody(mine, "2027-03-03T09:00:00-08:00"))).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        (await me.Get("/api/providers")).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        (await me.Get("/api/programs")).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task A_staff_role_beside_the_provider_role_sees_everything_only_where_that_role_is_allowed()
    {
        var (mine, _, theirs, theirAppointment) = await TwoProvidersWithBookings();
        // A scheduler who is also a therapist: appointments are the scheduling role's, so all are visible...
        var both = new Api(app.ClientWith(app.Token("scheduler-therapist", [Roles.Scheduling, Roles.Provider], providerId: mine)));
        (await both.Get($"/api/appointments/{theirAppointment}")).Expect(HttpStatusCode.OK);
        // ...but a provider record is not the scheduling role's: there the caller is a provider again.
        (await both.Get($"/api/providers/{theirs}")).ExpectProblem(HttpStatusCode.NotFound, "not-found");
        (await both.Get($"/api/providers/{mine}")).Expect(HttpStatusCode.OK);
    }

    private string Snapshot()
    {
        using var connection = app.OpenDatabase();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT \"Id\", \"Status\", \"UpdatedAt\" FROM \"Appointments\" ORDER BY \"Id\"";
        var rows = new List<string>();
        using (var reader = command.ExecuteReader())
            while (reader.Read()) rows.Add($"{reader.GetString(0)}:{reader.GetString(1)}:{TestDatabase.Instant(reader.GetValue(2))?.UtcTicks}");
        // The audit trail too: a refused request writes nothing, so it leaves no entry.
        command.CommandText = "SELECT COUNT(*) FROM \"AuditEntries\"";
        rows.Add($"audit:{Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture)}");
        return string.Join(",", rows);
    }
}
