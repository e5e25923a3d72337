namespace Contingency.Tests.Screens;

using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Bunit;
using Contingency.Features.Commitments;
using Contingency.Features.Providers;
using Contingency.Infrastructure.Security;
using Contingency.Tests.Support;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.Extensions.DependencyInjection;

/// <summary>The enrollment screens as components over a real service: what they show is what the API answers.</summary>
public sealed class EnrollmentScreenTests : IClassFixture<ContingencyApp>
{
    private readonly ContingencyApp app;

    // Payments are not run here: a run the scheduler starts would only compete for the database's write lock.
    public EnrollmentScreenTests(ContingencyApp app)
    {
        this.app = app;
        app.SchedulerRuns = false;
    }

    /// <summary>Generous: the machine may be busy, and a first call warms the service up.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private static string Roster(string region, params (string Name, string Licence)[] rows) =>
        "name,npi,licenseType,licenseNumber,email,region,modalities,languages\n"
        + string.Concat(rows.Select(r => $"{r.Name},{Api.NewNpi()},{r.Licence},{r.Licence} 1,x@example.org,{region},video,en;es\n"));

    private async Task Import(string csv)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(csv));
        content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        Assert.Equal(HttpStatusCode.OK, (await app.Api().Http.PostAsync("/api/providers/import", content)).StatusCode);
    }

    private async Task<int> Total(string query) => (await app.Api().Get($"/api/providers?{query}")).Expect(HttpStatusCode.OK).Int("total");

    [Fact]
    public async Task The_roster_pages_through_the_api_s_total_and_filters_by_licence()
    {
        await Import(Roster("Paging", ("Ann A", "LMFT"), ("Ben B", "LCSW"), ("Cal C", "LMFT"), ("Dee D", "LCSW"), ("Eve E", "LMFT")));
        await using var screen = new ScreenContext(app, Roles.Enrollment);
        screen.Services.GetRequiredService<NavigationManager>().NavigateTo("/providers?region=Paging&pageSize=2");
        var roster = screen.Render<ProviderRoster>();

        roster.WaitForAssertion(() => Assert.Equal("5 providers; page 1 of 3", roster.Find("p[role=status]").TextContent), Patience);
        Assert.Equal(["Ann A", "Ben B"], roster.FindAll("table.roster tbody tr td:first-child").Select(td => td.TextContent));
        Assert.True(roster.Find("button:contains('Previous page')").HasAttribute("disabled"));

        await roster.Find("button:contains('Next page')").ClickAsync(new());
        roster.WaitForAssertion(() => Assert.Equal("5 providers; page 2 of 3", roster.Find("p[role=status]").TextContent), Patience);
        Assert.Equal(["Cal C", "Dee D"], roster.FindAll("table.roster tbody tr td:first-child").Select(td => td.TextContent));
        await roster.Find("button:contains('Next page')").ClickAsync(new());
        roster.WaitForAssertion(() => Assert.Equal(["Eve E"], roster.FindAll("table.roster tbody tr td:first-child").Select(td => td.TextContent)), Patience);
        Assert.True(roster.Find("button:contains('Next page')").HasAttribute("disabled"));

        roster.Find("#licence").Change("LCSW");
        await roster.Find("form").SubmitAsync();
        roster.WaitForAssertion(() => Assert.Equal("2 providers; page 1 of 1", roster.Find("p[role=status]").TextContent), Patience);
        Assert.Equal(2, await Total("region=Paging&licenseType=LCSW"));
        Assert.All(roster.FindAll("table.roster tbody tr td:nth-child(3)"), td => Assert.Equal("LCSW", td.TextContent));

        roster.Find("#search").Change("dee");
        await roster.Find("form").SubmitAsync();
        roster.WaitForAssertion(() => Assert.Equal(["Dee D"], roster.FindAll("table.roster tbody tr td:first-child").Select(td => td.TextContent)), Patience);
        Assert.Equal(1, await Total("region=Paging&licenseType=LCSW&q=dee"));

        roster.Find("#search").Change("");
        roster.Find("#region").Change("Nowhere");
        await roster.Find("form").SubmitAsync();
        roster.WaitForAssertion(() => Assert.Equal("No provider matches these filters.", roster.Find("p[role=status]").TextContent), Patience);
    }

    [Fact]
    public async Task The_import_shows_the_dry_run_report_and_enrolls_nobody_before_the_confirm()
    {
        var csv = Roster("Import", ("Fay F", "LMFT"), ("Gus G", "LPCC")) + "Hal H,123,LMFT,L 1,x@example.org,Import,video,en\n";
        await using var screen = new ScreenContext(app, Roles.Enrollment);
        var import = screen.Render<ImportScreen>();
        import.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromText(csv, "roster.csv", contentType: "text/csv"));

        import.WaitForAssertion(() => Assert.Equal("2 would be enrolled, 0 duplicates, 1 invalid.", import.Find("p[role=status]").TextContent), Patience);
        Assert.Equal(["would be created", "would be created", "invalid"], import.FindAll("table.import-report tbody tr td:nth-child(2)").Select(td => td.TextContent.Trim()));
        Assert.Contains("npi", import.Find("table.import-report tbody tr.invalid").TextContent);
        Assert.Equal(0, await Total("region=Import"));

        await import.Find("button:contains('Import 2 providers')").ClickAsync(new());
        import.WaitForAssertion(() => Assert.Equal("2 enrolled, 0 duplicates, 1 invalid.", import.Find("p[role=status]").TextContent), Patience);
        Assert.Equal(2, await Total("region=Import"));
    }

    [Fact]
    public async Task Enrolling_shows_the_api_s_field_errors_beside_the_fields()
    {
        await using var screen = new ScreenContext(app, Roles.Enrollment);
        var form = screen.Render<EnrollScreen>();
        form.Find("#name").Change("Ida I");
        form.Find("#npi").Change("1234567890");
        await form.Find("form").SubmitAsync();
        form.WaitForAssertion(() => Assert.Contains("npi must be 10 digits", form.Find("#npi-errors").TextContent), Patience);
        Assert.NotEmpty(form.Find("#email-errors").TextContent.Trim());
        Assert.Empty(form.Find("#name-errors").TextContent.Trim());

        var npi = Api.NewNpi();
        form.Find("#npi").Change(npi);
        form.Find("#licenseType").Change("PsyD");
        form.Find("#licenseNumber").Change("PSY 1");
        form.Find("#email").Change("ida@example.org");
        form.Find("#region").Change("Enroll");
        form.FindAll("input[type=checkbox]")[0].Change(true);
        form.Find("#languages").Change("en, es");
        await form.Find("form").SubmitAsync();
        form.WaitForAssertion(() => Assert.Contains("Ida I is enrolled (active).", form.Find("p[role=status]").TextContent), Patience);
        Assert.Equal(1, await Total("region=Enroll"));
    }

    [Fact]
    public async Task The_commitment_preview_shows_its_weeks_and_payments_and_records_nothing_until_confirmed()
    {
        var api = app.Api();
        var program = await api.CreateProgram(Api.ProgramBody(startsOn: "2027-03-01", holidays: ["2027-03-10"]));
        var provider = await api.Enroll(Api.ProviderBody(region: "Commit"));
        await using var screen = new ScreenContext(app, Roles.Enrollment);
        var commit = screen.Render<CommitScreen>(p => p.Add(c => c.Id, provider.Id()));
        commit.WaitForAssertion(() => Assert.Equal("2027-03-01", commit.Find("#startsOn").GetAttribute("value")), Patience);
        commit.Find("#program").Change(program.Id());
        commit.Find("#weeks").Change("2");
        commit.Find("#slotsPerDay").Change("4");
        commit.Find("#excludedDates").Change("2027-03-12");
        await commit.Find("form").SubmitAsync();

        commit.WaitForAssertion(() => Assert.Contains("Preview: 32 slots", commit.Find("#preview-heading").TextContent), Patience);
        Assert.Equal(["20", "12"], commit.FindAll("table.preview-weeks tbody td.number").Select(td => td.TextContent));
        var kinds = commit.FindAll("table.preview-payments tbody tr td:first-child").Select(td => td.TextContent).ToList();
        Assert.Equal(["signing-bonus", "advance", "advance"], kinds);
        Assert.Contains("2,400.00 USD", commit.Find("table.preview-payments").TextContent);
        Assert.Equal(0, (await api.Get($"/api/programs/{program.Id()}/commitments?region=Commit")).Expect(HttpStatusCode.OK).Int("total"));

        await commit.Find("button:contains('Record this commitment')").ClickAsync(new());
        commit.WaitForAssertion(() => Assert.Contains("Recorded: 32 slots", commit.Find("p[role=status]").TextContent), Patience);
        var listed = (await api.Get($"/api/programs/{program.Id()}/commitments?region=Commit")).Expect(HttpStatusCode.OK);
        Assert.Equal(32, listed.GetProperty("items")[0].Int("totalSlots"));
    }

    [Fact]
    public async Task A_correction_shows_its_changes_before_they_are_saved()
    {
        var api = app.Api();
        var provider = await api.Enroll(Api.ProviderBody(region: "Correct"));
        await using var screen = new ScreenContext(app, Roles.Enrollment);
        var correct = screen.Render<CorrectScreen>(p => p.Add(c => c.Id, provider.Id()));
        correct.WaitForAssertion(() => Assert.Equal("lh@example.org", correct.Find("#email").GetAttribute("value")), Patience);
        correct.Find("#email").Change("leslie@example.org");
        await correct.Find("form").SubmitAsync();

        correct.WaitForElement("table.changes tbody tr", Patience);
        var change = correct.Find("table.changes tbody tr");
        Assert.Equal(["Email", "lh@example.org", "leslie@example.org"], change.Children.Select(td => td.TextContent));
        Assert.Equal("lh@example.org", (await api.Get($"/api/providers/{provider.Id()}")).Expect(HttpStatusCode.OK).Str("email"));

        await correct.Find("button:contains('Confirm the correction')").ClickAsync(new());
        correct.WaitForAssertion(() => Assert.Equal("Saved.", correct.Find("p[role=status]").TextContent), Patience);
        Assert.Equal("leslie@example.org", (await api.Get($"/api/providers/{provider.Id()}")).Expect(HttpStatusCode.OK).Str("email"));
    }

    [Fact]
    public void The_week_grid_puts_each_slot_on_its_local_day()
    {
        var monday = WeekGrid.MondayOf(new DateOnly(2027, 3, 17));
        Assert.Equal(new DateOnly(2027, 3, 15), monday);
        var slots = new[]
        {
            new Contingency.Features.Slots.ProviderSlotView(DateTimeOffset.Parse("2027-03-16T10:00:00-07:00"), DateTimeOffset.Parse("2027-03-16T11:00:00-07:00"), "booked", "c"),
            new Contingency.Features.Slots.ProviderSlotView(DateTimeOffset.Parse("2027-03-16T09:00:00-07:00"), DateTimeOffset.Parse("2027-03-16T10:00:00-07:00"), "free", "c"),
            // 23:00 local is the next day in UTC: it stays on its local day.
            new Contingency.Features.Slots.ProviderSlotView(DateTimeOffset.Parse("2027-03-21T23:00:00-07:00"), DateTimeOffset.Parse("2027-03-22T00:00:00-07:00"), "free", "c"),
        };
        var days = WeekGrid.Days(monday, slots);
        Assert.Equal(7, days.Count);
        Assert.Equal([0, 2, 0, 0, 0, 0, 1], days.Select(d => d.Slots.Count));
        Assert.Equal(["free", "booked"], days[1].Slots.Select(s => s.Status));
    }

    [Fact]
    public void A_correction_sends_only_what_changes()
    {
        var provider = new ProviderView("p", "Leslie Hansen", "1234567893", "LMFT", "LMFT 1", "lh@example.org", "Santa Rosa", ["video"], ["en"], "active");
        var draft = CorrectionDraft.Of(provider);
        Assert.Empty(draft.Changes(provider));
        draft.Email = "leslie@example.org";
        draft.Languages = "en; es";
        draft.Modalities.Add("phone");
        Assert.Equal(["Email", "Modalities", "Languages"], draft.Changes(provider).Select(c => c.Field));
        var body = draft.Body(provider);
        Assert.Equal(["email", "languages", "modalities"], body.Keys.Order());
        Assert.Equal(new List<string> { "en", "es" }, body["languages"]);
        Assert.Equal(new List<string> { "video", "phone" }, body["modalities"]);
        Assert.False(body.ContainsKey("name"));
    }
}
