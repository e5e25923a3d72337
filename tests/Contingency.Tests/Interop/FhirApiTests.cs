namespace Contingency.Tests.Interop;

using System.Net;
using Contingency.Tests.Support;
using Hl7.Fhir.Model;
using Appointment = Hl7.Fhir.Model.Appointment;
using Task = System.Threading.Tasks.Task;

/// <summary>The FHIR R4 API as a FHIR client reads it: every answer parsed strictly and validated against base R4.</summary>
public sealed class FhirApiTests(ContingencyApp app) : IClassFixture<ContingencyApp>
{
    private const string FhirJson = "application/fhir+json";
    private readonly Api api = app.Api();

    private async Task<(HttpStatusCode Status, string Body)> Get(string path, HttpClient? client = null)
    {
        using var response = await (client ?? api.Http).GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.Content.Headers.ContentType?.MediaType == FhirJson, $"{path}: {response.Content.Headers.ContentType} {body}");
        return (response.StatusCode, body);
    }

    private async Task<T> Read<T>(string path, HttpClient? client = null) where T : Resource
    {
        var (status, body) = await Get(path, client);
        Assert.True(status == HttpStatusCode.OK, $"{path}: {(int)status} {body}");
        return FhirValidation.Valid<T>(body);
    }

    /// <summary>Every page of a search, following <c>next</c> links, each page validated.</summary>
    private async Task<(List<Bundle> Pages, List<T> Matches)> Search<T>(string path, HttpClient? client = null) where T : Resource
    {
        var pages = new List<Bundle>();
        for (string? next = path; next is not null && pages.Count < 100;)
        {
            var bundle = await Read<Bundle>(next, client);
            Assert.Equal(Bundle.BundleType.Searchset, bundle.Type);
            Assert.Contains(bundle.Link, l => l.Relation == "self");
            Assert.All(bundle.Entry, e => Assert.Equal($"http://localhost/fhir/{e.Resource!.TypeName}/{e.Resource.Id}", e.FullUrl));
            pages.Add(bundle);
            next = bundle.Link.FirstOrDefault(l => l.Relation == "next")?.Url;
        }
        return (pages, pages.SelectMany(p => p.Entry).Select(e => Assert.IsType<T>(e.Resource)).ToList());
    }

    private async Task<OperationOutcome> Outcome(string path, HttpStatusCode expected, string code, HttpClient? client = null)
    {
        var (status, body) = await Get(path, client);
        Assert.True(status == expected, $"{path}: expected {(int)expected}, got {(int)status} {body}");
        var outcome = FhirValidation.Valid<OperationOutcome>(body);
        Assert.Equal(code, outcome.Issue[0].Details!.Coding[0].Code);
        return outcome;
    }

    [Fact]
    public async Task The_capability_statement_is_open_and_lists_exactly_what_is_supported()
    {
        var statement = await Read<CapabilityStatement>("/fhir/metadata", app.ClientWith(null));
        Assert.Equal(FHIRVersion.N4_0_1, statement.FhirVersion);
        Assert.Equal(CapabilityStatementKind.Instance, statement.Kind);
        var resources = Assert.Single(statement.Rest).Resource;
        Assert.Equal(["Practitioner", "Schedule", "Slot", "Appointment"], resources.Select(r => r.Type));
        Assert.All(resources, r => Assert.Equal(
            [CapabilityStatement.TypeRestfulInteraction.Read, CapabilityStatement.TypeRestfulInteraction.SearchType],
            r.Interaction.Select(i => i.Code!.Value)));
        Assert.Equal(["schedule", "schedule.actor", "start", "status", "program", "region"], resources.Single(r => r.Type == "Slot").SearchParam.Select(p => p.Name));
        Assert.Equal(["practitioner", "date", "status"], resources.Single(r => r.Type == "Appointment").SearchParam.Select(p => p.Name));
    }

    [Fact]
    public async Task A_practitioner_carries_its_npi_and_licence_and_is_found_by_npi()
    {
        var provider = await api.Enroll(Api.ProviderBody(licenseType: "LCSW"));
        var npi = provider.Str("npi");

        var practitioner = await Read<Practitioner>($"/fhir/Practitioner/{provider.Id()}");
        Assert.Equal(provider.Id(), practitioner.Id);
        Assert.True(practitioner.Active);
        var identifier = Assert.Single(practitioner.Identifier);
        Assert.Equal(("http://hl7.org/fhir/sid/us-npi", npi), (identifier.System, identifier.Value));
        Assert.Equal("LCSW", Assert.Single(practitioner.Qualification).Code.Text);
        Assert.Equal("Leslie Hansen", Assert.Single(practitioner.Name).Text);

        foreach (var query in new[] { $"identifier=http://hl7.org/fhir/sid/us-npi|{npi}", $"identifier={npi}", $"identifier=|{npi}" })
        {
            var (pages, found) = await Search<Practitioner>($"/fhir/Practitioner?{query}");
            Assert.Equal(provider.Id(), Assert.Single(found).Id);
            Assert.Equal(1, pages[0].Total);
        }
        var (_, none) = await Search<Practitioner>($"/fhir/Practitioner?identifier=http://example.org/other|{npi}");
        Assert.Empty(none);
        await Outcome("/fhir/Practitioner/nope", HttpStatusCode.NotFound, "not-found");
    }

    [Fact]
    public async Task A_providers_free_slots_page_through_next_links_and_busy_ones_are_marked()
    {
        var (_, providerId, commitmentId) = await api.Scenario();
        await api.Book(Api.BookingBody(providerId, "2027-03-03T11:00:00-08:00"));

        var schedules = (await Search<Schedule>($"/fhir/Schedule?actor=Practitioner/{providerId}")).Matches;
        var schedule = Assert.Single(schedules);
        Assert.Equal(commitmentId, schedule.Id);
        Assert.Equal($"Practitioner/{providerId}", Assert.Single(schedule.Actor).Reference);
        Assert.Equal(("2027-03-01", "2027-04-25"), (schedule.PlanningHorizon!.Start, schedule.PlanningHorizon.End));
        Assert.True(schedule.Active);

        var week = $"/fhir/Slot?schedule=Schedule/{commitmentId}&start=ge2027-03-01&start=le2027-03-05&_count=7";
        var (pages, slots) = await Search<Slot>(week);
        Assert.Equal(5, pages.Count); // 30 slots, 7 a page
        Assert.All(pages, p => Assert.Equal(30, p.Total));
        Assert.Equal(30, slots.Select(s => s.Id).Distinct().Count());
        Assert.Equal(slots.OrderBy(s => s.Start).Select(s => s.Id), slots.Select(s => s.Id));
        Assert.Equal(new DateTimeOffset(2027, 3, 1, 9, 0, 0, TimeSpan.FromHours(-8)), slots[0].Start);
        Assert.Equal(TimeSpan.FromHours(-8), slots[0].Start!.Value.Offset);
        Assert.All(slots, s => Assert.Equal($"Schedule/{commitmentId}", s.Schedule.Reference));
        var busy = Assert.Single(slots, s => s.Status == Slot.SlotStatus.Busy);
        Assert.Equal(new DateTimeOffset(2027, 3, 3, 19, 0, 0, TimeSpan.Zero), busy.Start);

        Assert.Equal(29, (await Search<Slot>($"/fhir/Slot?schedule={commitmentId}&start=ge2027-03-01&start=le2027-03-05&status=free")).Matches.Count);
        // The chain to the practitioner finds the same slots; a page exactly full has no next; past the end, nothing.
        var (byActor, actorSlots) = await Search<Slot>($"/fhir/Slot?schedule.actor=Practitioner/{providerId}&start=ge2027-03-01&start=le2027-03-05&_count=10");
        Assert.Equal(slots.Select(s => s.Id), actorSlots.Select(s => s.Id));
        Assert.Equal(3, byActor.Count);
        Assert.DoesNotContain(byActor[^1].Link, l => l.Relation == "next");
        var beyond = await Read<Bundle>($"/fhir/Slot?schedule={commitmentId}&start=ge2027-03-01&start=le2027-03-05&_offset=30");
        Assert.Equal(30, beyond.Total);
        Assert.Empty(beyond.Entry);
        Assert.DoesNotContain(beyond.Link, l => l.Relation == "next");
        // Repeats are "and": free and busy at once is nothing; (free or busy) and busy is the busy one.
        Assert.Empty((await Search<Slot>($"/fhir/Slot?schedule={commitmentId}&status=free&status=busy")).Matches);
        Assert.Single((await Search<Slot>($"/fhir/Slot?schedule={commitmentId}&status=free,busy&status=busy")).Matches);
        // Two spellings of one schedule are one schedule; a bad value is a 400 even inside an "and".
        Assert.Equal(30, (await Read<Bundle>($"/fhir/Slot?schedule=Schedule/{commitmentId}&schedule={commitmentId}&start=ge2027-03-01&start=le2027-03-05")).Total);
        await Outcome($"/fhir/Slot?schedule={commitmentId}&status=bogus&status=free", HttpStatusCode.BadRequest, "invalid-request");
        Assert.Equal(busy.Id, Assert.Single((await Search<Slot>($"/fhir/Slot?schedule={commitmentId}&status=busy")).Matches).Id);
        // After the spring change, the offset of the day.
        var after = await Read<Bundle>($"/fhir/Slot?schedule={commitmentId}&start=2027-03-15&_count=1");
        Assert.Equal(6, after.Total);
        Assert.Equal(new DateTimeOffset(2027, 3, 15, 9, 0, 0, TimeSpan.FromHours(-7)), Assert.IsType<Slot>(Assert.Single(after.Entry).Resource).Start);
        Assert.EndsWith("_count=1&_offset=1", after.Link.Single(l => l.Relation == "next").Url);
        // An instant bound: from 10:00 that Monday on.
        var fromTen = (await Search<Slot>($"/fhir/Slot?schedule={commitmentId}&start=ge2027-03-15T10:00:00-07:00&start=lt2027-03-16"));
        Assert.Equal(5, fromTen.Pages[0].Total);

        Assert.Equal(Slot.SlotStatus.Busy, (await Read<Slot>($"/fhir/Slot/{busy.Id}")).Status);
        await Outcome($"/fhir/Slot/{commitmentId}-202703031930", HttpStatusCode.NotFound, "not-found");
        await Outcome("/fhir/Slot/nope", HttpStatusCode.NotFound, "not-found");
    }

    [Fact]
    public async Task A_regions_free_slots_come_earliest_first_a_page_at_a_time()
    {
        var program = await api.CreateProgram();
        // A region's name may hold a comma: a string parameter's value is taken whole.
        var region = $"Region {Guid.NewGuid():N}, North";
        var early = await api.Enroll(Api.ProviderBody(region: region));
        var late = await api.Enroll(Api.ProviderBody(region: region));
        var elsewhere = await api.Enroll(Api.ProviderBody(region: "Fresno"));
        await api.Commit(program.Id(), Api.CommitmentBody(early.Id(), firstSlotAt: "08:00"));
        await api.Commit(program.Id(), Api.CommitmentBody(late.Id(), firstSlotAt: "10:00"));
        await api.Commit(program.Id(), Api.CommitmentBody(elsewhere.Id(), firstSlotAt: "07:00"));
        await api.Book(Api.BookingBody(early.Id(), "2027-03-01T08:00:00-08:00"));

        var (pages, slots) = await Search<Slot>(
            $"/fhir/Slot?program={program.Id()}&region={Uri.EscapeDataString(region)}&status=free&start=ge2027-03-01&start=le2027-03-05&_count=25");
        Assert.Equal(3, pages.Count); // 2 providers x 6 x 5 days - 1 booked = 59
        Assert.All(pages, p => Assert.Null(p.Total));
        Assert.Equal(59, slots.Select(s => s.Id).Distinct().Count());
        Assert.Equal(slots.Select(s => s.Start).Order(), slots.Select(s => s.Start));
        Assert.Equal(new DateTimeOffset(2027, 3, 1, 9, 0, 0, TimeSpan.FromHours(-8)), slots[0].Start);
        Assert.All(slots, s => Assert.Equal(Slot.SlotStatus.Free, s.Status));
        var schedules = slots.Select(s => s.Schedule.Reference).Distinct().ToList();
        Assert.Equal(2, schedules.Count);

        await Outcome($"/fhir/Slot?program={program.Id()}&status=busy", HttpStatusCode.BadRequest, "invalid-request");
        await Outcome($"/fhir/Slot?program={program.Id()}&schedule=x", HttpStatusCode.BadRequest, "invalid-request");
        await Outcome("/fhir/Slot?status=free", HttpStatusCode.BadRequest, "invalid-request");
    }

    [Fact]
    public async Task Appointments_map_their_status_and_show_the_member_as_an_identifier_only()
    {
        var (_, providerId, commitmentId) = await api.Scenario();
        var booked = await api.Book(Api.BookingBody(providerId, "2027-03-01T09:00:00-08:00", memberRef: "M-FHIR-1"));
        var completed = await api.Book(Api.BookingBody(providerId, "2027-03-01T10:00:00-08:00", memberRef: "M-FHIR-2",
            kind: "follow-up", previousVisitOn: "2027-02-22"));
        var noShow = await api.Book(Api.BookingBody(providerId, "2027-03-01T11:00:00-08:00", memberRef: "M-FHIR-3"));
        var cancelled = await api.Book(Api.BookingBody(providerId, "2027-03-02T09:00:00-08:00", memberRef: "M-FHIR-4"));
        var displaced = await api.Book(Api.BookingBody(providerId, "2027-04-20T09:00:00-07:00", memberRef: "M-FHIR-5"));
        (await api.Post($"/api/appointments/{completed.Id()}/complete", null)).Expect(HttpStatusCode.OK);
        (await api.Post($"/api/appointments/{noShow.Id()}/no-show", null)).Expect(HttpStatusCode.OK);
        (await api.Post($"/api/appointments/{cancelled.Id()}/cancel", new { reason = "feeling unwell", initiatedBy = "member" })).Expect(HttpStatusCode.OK);
        (await api.Post($"/api/commitments/{commitmentId}/withdraw", new { effectiveOn = "2027-04-19", reason = "leaving" })).Expect(HttpStatusCode.OK);

        var byProvider = await api.Book(Api.BookingBody(providerId, "2027-03-02T10:00:00-08:00", memberRef: "M-FHIR-6"));
        var byPlan = await api.Book(Api.BookingBody(providerId, "2027-03-02T11:00:00-08:00", memberRef: "M-FHIR-7"));
        var movedAway = await api.Book(Api.BookingBody(providerId, "2027-03-02T12:00:00-08:00", memberRef: "M-FHIR-8"));
        (await api.Post($"/api/appointments/{byProvider.Id()}/cancel", new { reason = "x", initiatedBy = "provider" })).Expect(HttpStatusCode.OK);
        (await api.Post($"/api/appointments/{byPlan.Id()}/cancel", new { reason = "x", initiatedBy = "plan" })).Expect(HttpStatusCode.OK);
        (await api.Post($"/api/appointments/{movedAway.Id()}/reschedule", new { providerId, start = "2027-03-03T12:00:00-08:00" })).Expect(HttpStatusCode.Created);

        var (pages, all) = await Search<Appointment>($"/fhir/Appointment?practitioner=Practitioner/{providerId}&_count=3");
        Assert.Equal(3, pages.Count);
        Assert.Equal(9, pages[0].Total);
        var byId = all.ToDictionary(a => a.Id!);
        Assert.Equal(Appointment.AppointmentStatus.Booked, byId[booked.Id()].Status);
        Assert.Equal(Appointment.AppointmentStatus.Fulfilled, byId[completed.Id()].Status);
        Assert.Equal(Appointment.AppointmentStatus.Noshow, byId[noShow.Id()].Status);
        Assert.Equal(Appointment.AppointmentStatus.Cancelled, byId[cancelled.Id()].Status);
        Assert.Equal("pat", byId[cancelled.Id()].CancelationReason!.Coding[0].Code);
        Assert.Equal(Appointment.AppointmentStatus.Cancelled, byId[displaced.Id()].Status);
        Assert.Equal("prov", byId[displaced.Id()].CancelationReason!.Coding[0].Code);
        Assert.Null(byId[booked.Id()].CancelationReason);
        Assert.Equal(("prov", "Cancelled by the provider"), (byId[byProvider.Id()].CancelationReason!.Coding[0].Code, byId[byProvider.Id()].CancelationReason!.Text));
        Assert.Equal(("other", "Cancelled by the plan"), (byId[byPlan.Id()].CancelationReason!.Coding[0].Code, byId[byPlan.Id()].CancelationReason!.Text));
        Assert.Equal(("other", "Rescheduled"), (byId[movedAway.Id()].CancelationReason!.Coding[0].Code, byId[movedAway.Id()].CancelationReason!.Text));
        Assert.Empty(byId[movedAway.Id()].Slot);
        Assert.Equal("FOLLOWUP", byId[completed.Id()].AppointmentType!.Coding[0].Code);

        var first = byId[booked.Id()];
        Assert.Equal(new DateTimeOffset(2027, 3, 1, 9, 0, 0, TimeSpan.FromHours(-8)), first.Start);
        Assert.Equal($"Practitioner/{providerId}", first.Participant[0].Actor!.Reference);
        var member = first.Participant[1].Actor;
        Assert.Equal(("urn:contingency:member-ref", "M-FHIR-1"), (member!.Identifier!.System, member.Identifier.Value));
        Assert.Null(member.Reference);
        Assert.Null(member.Display);
        Assert.StartsWith($"Slot/{commitmentId}-", Assert.Single(first.Slot).Reference);
        Assert.Equal(first.Slot[0].Reference, $"Slot/{(await Read<Slot>("/fhir/" + first.Slot[0].Reference)).Id}");
        // No reason typed by a person reaches FHIR: it may say something of the member's health.
        var (_, cancelledRaw) = await Get($"/fhir/Appointment/{cancelled.Id()}");
        Assert.DoesNotContain("feeling unwell", cancelledRaw);

        Assert.Equal(new[] { cancelled.Id(), displaced.Id(), byProvider.Id(), byPlan.Id(), movedAway.Id() }.Order(),
            (await Search<Appointment>($"/fhir/Appointment?practitioner={providerId}&status=cancelled")).Matches.Select(a => a.Id).Order());
        Assert.Empty((await Search<Appointment>($"/fhir/Appointment?practitioner={providerId}&status=booked&status=cancelled")).Matches);
        Assert.Equal(2, (await Search<Appointment>($"/fhir/Appointment?practitioner={providerId}&status=fulfilled,noshow")).Matches.Count);
        Assert.Equal(3, (await Search<Appointment>($"/fhir/Appointment?practitioner={providerId}&date=2027-03-01")).Matches.Count);
        Assert.Equal(8, (await Search<Appointment>($"/fhir/Appointment?practitioner={providerId}&date=ge2027-03-01&date=lt2027-04-01")).Matches.Count);
        Assert.Equal(2, (await Search<Appointment>($"/fhir/Appointment?practitioner={providerId}&date=gt2027-03-01T09:00:00-08:00&date=lt2027-03-02")).Matches.Count);
        Assert.Empty((await Search<Appointment>($"/fhir/Appointment?practitioner={providerId}&status=waitlist")).Matches);
        Assert.Equal(displaced.Id(), (await Read<Appointment>($"/fhir/Appointment/{displaced.Id()}")).Id);
    }

    [Theory]
    [InlineData("/fhir/Slot?colour=blue", HttpStatusCode.BadRequest, "invalid-request")]
    [InlineData("/fhir/Appointment?date=ap2027-03-01", HttpStatusCode.BadRequest, "invalid-request")]
    [InlineData("/fhir/Appointment?date=March", HttpStatusCode.BadRequest, "invalid-request")]
    [InlineData("/fhir/Appointment?date=2027-03-01T09:00", HttpStatusCode.BadRequest, "invalid-request")]
    [InlineData("/fhir/Appointment?status=done", HttpStatusCode.BadRequest, "invalid-request")]
    [InlineData("/fhir/Appointment?practitioner=Patient/1", HttpStatusCode.BadRequest, "invalid-request")]
    [InlineData("/fhir/Appointment?_count=0", HttpStatusCode.BadRequest, "invalid-request")]
    [InlineData("/fhir/Appointment?_count=501", HttpStatusCode.BadRequest, "invalid-request")]
    [InlineData("/fhir/Appointment?_offset=999999&_count=2", HttpStatusCode.BadRequest, "invalid-request")]
    [InlineData("/fhir/Appointment?_format=xml", HttpStatusCode.BadRequest, "invalid-request")]
    [InlineData("/fhir/Schedule?active=maybe", HttpStatusCode.BadRequest, "invalid-request")]
    [InlineData("/fhir/Slot?schedule=x&start=ge2027-01-01&start=le2028-06-01", HttpStatusCode.BadRequest, "invalid-request")]
    [InlineData("/fhir/Appointment/nope", HttpStatusCode.NotFound, "not-found")]
    [InlineData("/fhir/Schedule/nope", HttpStatusCode.NotFound, "not-found")]
    [InlineData("/fhir/Patient/1", HttpStatusCode.NotFound, "not-found")]
    public async Task Errors_are_operation_outcomes(string path, HttpStatusCode status, string code)
    {
        var outcome = await Outcome(path, status, code);
        Assert.All(outcome.Issue, i => Assert.Equal(OperationOutcome.IssueSeverity.Error, i.Severity));
        if (status == HttpStatusCode.BadRequest)
        {
            Assert.Equal(OperationOutcome.IssueType.Invalid, outcome.Issue[0].Code);
            Assert.NotEmpty(outcome.Issue[0].Expression);
        }
    }

    [Theory]
    [InlineData("/fhir/Appointment?_count=abc")]
    [InlineData("/fhir/Appointment?_count=1&_count=2")]
    [InlineData("/fhir/Appointment?_offset=-1")]
    [InlineData("/fhir/Practitioner?identifier=|||")]
    [InlineData("/fhir/Practitioner?identifier=%00")]
    [InlineData("/fhir/Slot/-")]
    [InlineData("/fhir/Slot/x-")]
    [InlineData("/fhir/Slot/abc-999999999999")]
    [InlineData("/fhir/Slot/abc-000101010000")]
    [InlineData("/fhir/Slot?schedule=,,,")]
    [InlineData("/fhir/Slot?schedule=x&start=ge")]
    [InlineData("/fhir/Slot?schedule=x&start=gt2099-12-31T23:59:59%2B14:00")]
    [InlineData("/fhir/Slot?program=x&status=free&region=%00")]
    [InlineData("/fhir/Slot?program=x&status=free&start=le1999-01-01")]
    [InlineData("/fhir/Appointment?practitioner=Practitioner/")]
    [InlineData("/fhir/Appointment?date=ge2027-03-01&date=le2027-02-01")]
    [InlineData("/fhir/Appointment?status=")]
    [InlineData("/fhir/Schedule?actor=http://elsewhere.example/fhir/Practitioner/x")]
    public async Task Odd_requests_are_answered_never_failed(string path)
    {
        var (status, body) = await Get(path);
        Assert.True((int)status < 500, $"{path}: {(int)status} {body}");
        if (status == HttpStatusCode.OK) FhirValidation.Valid<Resource>(body);
        else FhirValidation.Valid<OperationOutcome>(body);
    }

    [Fact]
    public async Task Tokens_and_methods_are_refused_in_operation_outcomes()
    {
        var login = await Outcome("/fhir/Slot?status=free", HttpStatusCode.Unauthorized, "unauthenticated", app.ClientWith(null));
        Assert.Equal(OperationOutcome.IssueType.Login, login.Issue[0].Code);
        var forbidden = await Outcome("/fhir/Appointment", HttpStatusCode.Forbidden, "forbidden", app.ApiAs("planner", "capacity").Http);
        Assert.Equal(OperationOutcome.IssueType.Forbidden, forbidden.Issue[0].Code);
        using var post = await api.Http.PostAsync("/fhir/Slot", new StringContent("{}", System.Text.Encoding.UTF8, FhirJson));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, post.StatusCode);
        Assert.Equal("method-not-allowed", FhirValidation.Valid<OperationOutcome>(await post.Content.ReadAsStringAsync()).Issue[0].Details!.Coding[0].Code);
    }

    [Fact]
    public async Task A_schedule_withdrawn_before_its_first_day_is_inactive_with_no_horizon_and_still_valid()
    {
        var (_, _, commitmentId) = await api.Scenario();
        (await api.Post($"/api/commitments/{commitmentId}/withdraw", new { effectiveOn = "2027-03-01", reason = "changed plans" })).Expect(HttpStatusCode.OK);
        var schedule = await Read<Schedule>($"/fhir/Schedule/{commitmentId}");
        Assert.False(schedule.Active);
        Assert.Null(schedule.PlanningHorizon);
        Assert.Contains(commitmentId, (await Search<Schedule>("/fhir/Schedule?active=false&_count=500")).Matches.Select(s => s.Id));
        Assert.Empty((await Search<Slot>($"/fhir/Slot?schedule={commitmentId}")).Matches);
    }

    [Fact]
    public async Task A_search_by_schedule_that_would_lay_out_too_many_slots_is_refused_and_a_window_lets_it_through()
    {
        var program = await api.CreateProgram(Api.ProgramBody(weeks: 104));
        var everyDay = new[] { "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday" };
        var providers = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            var provider = (await api.Enroll()).Id();
            await api.Commit(program.Id(), Api.CommitmentBody(provider, weeks: 104, slotsPerDay: 12, weekdays: everyDay, firstSlotAt: "08:00"));
            providers.Add(provider);
        }
        // Six commitments of 104 weeks, 12 slots every day: 52,416 slots, more than one search lays out.
        var actors = string.Join(",", providers);
        var refused = await Outcome($"/fhir/Slot?schedule.actor={actors}", HttpStatusCode.BadRequest, "invalid-request");
        Assert.Equal("start", Assert.Single(refused.Issue).Expression.Single());
        var week = await Read<Bundle>($"/fhir/Slot?schedule.actor={actors}&start=ge2027-03-01&start=le2027-03-07&_count=1");
        Assert.Equal(6 * 12 * 7, week.Total);
    }

    [Fact]
    public async Task A_providers_token_sees_its_own_records_only()
    {
        var (_, mine, myCommitment) = await api.Scenario();
        var (_, theirs, theirCommitment) = await api.Scenario();
        await api.Book(Api.BookingBody(mine, "2027-03-01T09:00:00-08:00"));
        var theirBooking = await api.Book(Api.BookingBody(theirs, "2027-03-01T09:00:00-08:00"));
        var me = app.ApiAsProvider(mine).Http;

        Assert.Equal(mine, (await Read<Practitioner>($"/fhir/Practitioner/{mine}", me)).Id);
        await Outcome($"/fhir/Practitioner/{theirs}", HttpStatusCode.NotFound, "not-found", me);
        await Outcome($"/fhir/Appointment/{theirBooking.Id()}", HttpStatusCode.NotFound, "not-found", me);
        await Outcome($"/fhir/Slot/{theirCommitment}-202703011700", HttpStatusCode.NotFound, "not-found", me);
        // As in /api: the provider list and commitments are the staff's.
        await Outcome("/fhir/Practitioner", HttpStatusCode.Forbidden, "forbidden", me);
        await Outcome($"/fhir/Schedule/{myCommitment}", HttpStatusCode.Forbidden, "forbidden", me);
        Assert.Empty((await Search<Slot>($"/fhir/Slot?schedule={theirCommitment}", me)).Matches);
        Assert.Empty((await Search<Slot>($"/fhir/Slot?schedule.actor={theirs}", me)).Matches);
        Assert.NotEmpty((await Search<Slot>($"/fhir/Slot?schedule.actor={mine}&start=2027-03-01", me)).Matches);
        Assert.All((await Search<Appointment>("/fhir/Appointment", me)).Matches, a => Assert.Equal($"Practitioner/{mine}", a.Participant[0].Actor!.Reference));
        Assert.Single((await Search<Appointment>("/fhir/Appointment", me)).Matches);
        Assert.Empty((await Search<Appointment>($"/fhir/Appointment?practitioner={theirs}", me)).Matches);
        Assert.NotEmpty((await Search<Slot>($"/fhir/Slot?schedule={myCommitment}&start=2027-03-01", me)).Matches);
    }
}
