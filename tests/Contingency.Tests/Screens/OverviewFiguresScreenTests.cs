namespace Contingency.Tests.Screens;

using System.Globalization;
using System.Net;
using System.Text.Json;
using Bunit;
using Contingency.Features.Capacity;
using Contingency.Infrastructure.Security;
using Contingency.Screens;
using Contingency.Tests.Support;

/// <summary>The overview's figures against the API's answers for a small program: two regions, two licence types, bookings, demand, a late follow-up.</summary>
public sealed class OverviewFiguresScreenTests(ContingencyApp app) : IClassFixture<ContingencyApp>
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    private async Task<(string ProgramId, Api Api)> SmallProgram()
    {
        var api = app.Api();
        var (programId, santaRosa, _) = await api.Scenario();
        var fresno = (await api.Enroll(Api.ProviderBody(region: "Fresno", licenseType: "LCSW"))).Id();
        await api.Commit(programId, Api.CommitmentBody(fresno, slotsPerDay: 2, weeks: 4));
        await api.Book(Api.BookingBody(santaRosa, "2027-03-02T09:00:00-08:00"));
        await api.Book(Api.BookingBody(santaRosa, "2027-03-02T10:00:00-08:00", memberRef: "M-000124"));
        await api.Book(Api.BookingBody(fresno, "2027-03-03T09:00:00-08:00", memberRef: "M-000125"));
        await api.Book(Api.BookingBody(santaRosa, "2027-03-23T09:00:00-07:00", memberRef: "M-000126", kind: "follow-up", previousVisitOn: "2027-03-05"));
        (await api.Put($"/api/programs/{programId}/demand", new Dictionary<string, int> { ["Santa Rosa"] = 20, ["Fresno"] = 15 }))
            .Expect(HttpStatusCode.OK);
        return (programId, api);
    }

    private static List<List<string>> Cells(IRenderedComponent<Overview> overview, string table) =>
        overview.FindAll($"[data-testid={table}] tbody tr")
            .Select(tr => tr.Children.Select(c => c.TextContent.Trim()).ToList()).ToList();

    [Fact]
    public async Task The_weeks_sum_the_api_s_rows_and_add_up_to_its_totals()
    {
        var (programId, api) = await SmallProgram();
        var capacity = (await api.Get($"/api/programs/{programId}/capacity?by=week")).Expect(HttpStatusCode.OK);
        await using var screen = new ScreenContext(app, Roles.Capacity);
        var overview = screen.Render<Overview>(p => p.Add(o => o.ProgramId, programId));
        overview.WaitForAssertion(() => Assert.NotEmpty(overview.FindAll("[data-testid=licences] tbody tr")), TimeSpan.FromSeconds(10));

        var rows = capacity.GetProperty("rows").EnumerateArray().ToList();
        var expected = rows.GroupBy(r => r.Str("period")).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new List<string>
            {
                Show.Date(DateOnly.Parse(g.Key, Invariant)),
                Show.Count(g.Sum(r => r.Int("committed"))), Show.Count(g.Sum(r => r.Int("booked"))), Show.Count(g.Sum(r => r.Int("free"))),
                Show.Count(g.Sum(r => r.Int("demand"))), Show.Count(g.Sum(r => r.Int("gap"))),
            }).ToList();
        var shown = Cells(overview, "weeks-table");
        Assert.Equal(8, shown.Count);
        Assert.Equal(expected, shown);

        // The week rows add up to the API's own totals, which the cards show as they are.
        var totals = capacity.GetProperty("totals");
        Assert.Equal(totals.Int("committed"), shown.Sum(r => int.Parse(r[1], NumberStyles.AllowThousands, Invariant)));
        Assert.Equal(totals.Int("booked"), shown.Sum(r => int.Parse(r[2], NumberStyles.AllowThousands, Invariant)));
        Assert.Equal(totals.Int("demand"), shown.Sum(r => int.Parse(r[4], NumberStyles.AllowThousands, Invariant)));
        Assert.Equal(Show.Count(totals.Int("committed")), overview.Find("[data-figure=committed]").TextContent);
        Assert.Equal(Show.Count(totals.Int("booked")), overview.Find("[data-figure=booked]").TextContent);
        Assert.Equal(Show.Percent(totals.GetProperty("utilization").GetDecimal()), overview.Find("[data-figure=utilization]").TextContent);
        Assert.Equal(Show.Count(totals.Int("gap")), overview.Find("[data-figure=gap]").TextContent);
        Assert.Equal((8 * 5 * 6 + 4 * 5 * 2, 4), (totals.Int("committed"), totals.Int("booked")));
    }

    [Fact]
    public async Task The_heatmap_table_holds_the_api_s_utilization_for_each_day_and_region()
    {
        var (programId, api) = await SmallProgram();
        var byDay = (await api.Get($"/api/programs/{programId}/capacity?by=day")).Expect(HttpStatusCode.OK).GetProperty("rows").EnumerateArray().ToList();
        await using var screen = new ScreenContext(app, Roles.Capacity);
        var overview = screen.Render<Overview>(p => p.Add(o => o.ProgramId, programId));
        overview.WaitForAssertion(() => Assert.NotEmpty(overview.FindAll("[data-testid=heat-table] tbody tr")), TimeSpan.FromSeconds(10));

        var regions = overview.FindAll("[data-testid=heat-table] thead th").Skip(1).Select(th => th.TextContent).ToList();
        Assert.Equal(["Fresno", "Santa Rosa"], regions);
        var table = Cells(overview, "heat-table").ToDictionary(r => r[0]);
        Assert.Equal(byDay.Select(r => r.Str("period")).Distinct().Count(), table.Count);
        foreach (var row in byDay)
        {
            var cells = table[Show.Date(DateOnly.Parse(row.Str("period"), Invariant))];
            Assert.Equal(Show.Percent(row.GetProperty("utilization").GetDecimal()), cells[1 + regions.IndexOf(row.Str("region"))]);
        }
        // A day the API has no row for in a region is blank, not 0 %: Fresno commits 4 weeks of 8.
        Assert.Equal("", table[Show.Date(new DateOnly(2027, 4, 5))][1]);
        Assert.Equal("33.3 %", table[Show.Date(new DateOnly(2027, 3, 2))][2]);
    }

    [Fact]
    public async Task Licence_types_compliance_and_third_next_available_are_the_api_s()
    {
        var (programId, api) = await SmallProgram();
        await using var screen = new ScreenContext(app, Roles.Capacity);
        var overview = screen.Render<Overview>(p => p.Add(o => o.ProgramId, programId));
        overview.WaitForAssertion(() => Assert.NotEmpty(overview.FindAll("[data-testid=licences] tbody tr")), TimeSpan.FromSeconds(10));
        // The compliance report comes last (with capacity alone): the page is then complete.
        overview.WaitForAssertion(() => Assert.NotEmpty(overview.FindAll("[data-testid=third] tbody tr")), TimeSpan.FromSeconds(10));

        var licences = Cells(overview, "licences");
        Assert.Equal(["LCSW", "LMFT"], licences.Select(r => r[0]));
        foreach (var row in licences)
        {
            var totals = (await api.Get($"/api/programs/{programId}/capacity?by=week&licenseType={row[0]}")).Expect(HttpStatusCode.OK).GetProperty("totals");
            Assert.Equal([Show.Count(totals.Int("committed")), Show.Count(totals.Int("booked")), Show.Percent(totals.GetProperty("utilization").GetDecimal())],
                row.Skip(1));
        }

        var compliance = (await api.Get($"/api/programs/{programId}/compliance")).Expect(HttpStatusCode.OK);
        Assert.StartsWith(Show.Percent(compliance.GetProperty("rate").GetDecimal()) + " of 1 follow-ups", overview.Find("[data-testid=compliance-rate]").TextContent.Trim());
        var late = Assert.Single(Cells(overview, "late"));
        Assert.Equal(compliance.GetProperty("late")[0].Str("appointmentId"), late[0]);
        var third = compliance.GetProperty("thirdNextAvailable").EnumerateArray()
            .Select(t => new List<string> { t.Str("region"), Show.Date(DateOnly.Parse(t.Str("date"), Invariant)), t.Int("days").ToString(Invariant) });
        Assert.Equal(third, Cells(overview, "third"));
    }

    [Fact]
    public async Task Payment_moments_are_shown_to_finance_only_and_sum_the_api_s_scheduled_payments()
    {
        var (programId, api) = await SmallProgram();
        await using (var capacityOnly = new ScreenContext(app, Roles.Capacity))
        {
            var overview = capacityOnly.Render<Overview>(p => p.Add(o => o.ProgramId, programId));
            overview.WaitForAssertion(() => Assert.NotEmpty(overview.FindAll("[data-testid=licences] tbody tr")), TimeSpan.FromSeconds(10));
            // The compliance report comes last (with capacity alone): the page is then complete.
            overview.WaitForAssertion(() => Assert.NotEmpty(overview.FindAll("[data-testid=third] tbody tr")), TimeSpan.FromSeconds(10));
            Assert.Empty(overview.FindAll("#moments-heading"));
        }

        await using var both = new ScreenContext(app, Roles.Capacity, Roles.Finance);
        var withFinance = both.Render<Overview>(p => p.Add(o => o.ProgramId, programId));
        withFinance.WaitForAssertion(() => Assert.NotEmpty(withFinance.FindAll("[data-testid=moments] tbody tr")), TimeSpan.FromSeconds(10));
        // Four weeks from 2027-02-01: the moment before the first week carries both signing bonuses and both first advances.
        var scheduled = (await api.Get($"/api/programs/{programId}/payments?status=scheduled&dueBefore=2027-03-01&pageSize=500"))
            .Expect(HttpStatusCode.OK).GetProperty("items").EnumerateArray().ToList();
        var expected = scheduled.GroupBy(p => p.Str("dueAt")).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new List<string>
            {
                Show.Time(DateTimeOffset.Parse(g.Key, Invariant)), Show.Count(g.Count()),
                Show.Money(g.Sum(p => p.GetProperty("amount").GetDecimal()), "USD"),
            });
        var shown = Cells(withFinance, "moments");
        Assert.Equal(expected, shown);
        Assert.Equal(["Fri 2027-02-26 17:00 \u221208:00", "4", "10,000.00 USD"], shown[0]);
    }
}
