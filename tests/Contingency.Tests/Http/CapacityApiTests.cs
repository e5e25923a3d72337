namespace Contingency.Tests.Http;

using System.Net;
using Contingency.Tests.Support;

public sealed class CapacityApiTests(ContingencyApp app) : IClassFixture<ContingencyApp>
{
    private readonly Api api = app.Api();

    [Fact]
    public async Task Committed_against_booked_by_week_and_region()
    {
        var program = await api.CreateProgram(Api.ProgramBody(holidays: ["2027-03-05"]));
        var sacramento = await api.Enroll(Api.ProviderBody(region: "Sacramento", licenseType: "LCSW"));
        var fresno = await api.Enroll(Api.ProviderBody(region: "Fresno", licenseType: "PsyD"));
        await api.Commit(program.Id(), Api.CommitmentBody(sacramento.Id()));
        await api.Commit(program.Id(), Api.CommitmentBody(fresno.Id(), slotsPerDay: 2, weeks: 1));

        await api.Book(Api.BookingBody(sacramento.Id(), "2027-03-01T09:00:00-08:00"));
        var completed = await api.Book(Api.BookingBody(sacramento.Id(), "2027-03-02T09:00:00-08:00", kind: "follow-up", previousVisitOn: "2027-02-26"));
        var noShow = await api.Book(Api.BookingBody(sacramento.Id(), "2027-03-03T09:00:00-08:00"));
        var cancelled = await api.Book(Api.BookingBody(sacramento.Id(), "2027-03-04T09:00:00-08:00"));
        // Due by 2027-03-12 (ten business days after Thursday 2027-02-25, less the holiday): late.
        await api.Book(Api.BookingBody(sacramento.Id(), "2027-03-15T09:00:00-07:00", kind: "follow-up", previousVisitOn: "2027-02-25"));
        (await api.Post($"/api/appointments/{completed.Id()}/complete", null)).Expect(HttpStatusCode.OK);
        (await api.Post($"/api/appointments/{noShow.Id()}/no-show", null)).Expect(HttpStatusCode.OK);
        (await api.Post($"/api/appointments/{cancelled.Id()}/cancel", new { reason = "x", initiatedBy = "member" })).Expect(HttpStatusCode.OK);

        var capacity = (await api.Get($"/api/programs/{program.Id()}/capacity?by=week")).Expect(HttpStatusCode.OK);

        Assert.Equal(program.Id(), capacity.Str("programId"));
        Assert.Equal("week", capacity.Str("by"));
        var totals = capacity.GetProperty("totals");
        Assert.Equal(234 + 8, totals.Int("committed"));
        Assert.Equal(4, totals.Int("booked"));
        Assert.Equal(238, totals.Int("free"));
        Assert.Equal(0.0165m, totals.GetProperty("utilization").GetDecimal()); // 4 / 242
        var rows = capacity.GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal(9, rows.Count);
        Assert.Equal(("2027-03-01", "Fresno", 8, 0), (rows[0].Str("period"), rows[0].Str("region"), rows[0].Int("committed"), rows[0].Int("booked")));
        Assert.Equal(("2027-03-01", "Sacramento", 24, 3, 21), (rows[1].Str("period"), rows[1].Str("region"), rows[1].Int("committed"), rows[1].Int("booked"), rows[1].Int("free")));
        Assert.Equal(0.125m, rows[1].GetProperty("utilization").GetDecimal());
        Assert.Equal(("2027-03-15", 30, 1), (rows[3].Str("period"), rows[3].Int("committed"), rows[3].Int("booked")));
        Assert.Equal(0.0333m, rows[3].GetProperty("utilization").GetDecimal());
        Assert.Equal(0m, rows[2].GetProperty("utilization").GetDecimal());

        var timely = capacity.GetProperty("timelyAccess");
        Assert.Equal((2, 1, 1), (timely.Int("followUps"), timely.Int("met"), timely.Int("notMet")));

        // The totals broken down by licence type, each equal to the answer filtered to that type.
        var byLicence = capacity.GetProperty("byLicenseType").EnumerateArray()
            .Select(l => (l.Str("licenseType"), l.Int("committed"), l.Int("booked"), l.Int("free"), l.GetProperty("utilization").GetDecimal()))
            .ToList();
        Assert.Equal([("LCSW", 234, 4, 230, 0.0171m), ("PsyD", 8, 0, 8, 0m)], byLicence);
        foreach (var (type, committed, booked, _, _) in byLicence)
        {
            var filtered = (await api.Get($"/api/programs/{program.Id()}/capacity?licenseType={type}")).Expect(HttpStatusCode.OK);
            Assert.Equal((committed, booked), (filtered.GetProperty("totals").Int("committed"), filtered.GetProperty("totals").Int("booked")));
            Assert.Equal(type, Assert.Single(filtered.GetProperty("byLicenseType").EnumerateArray()).Str("licenseType"));
        }
        var fresnoOnly = (await api.Get($"/api/programs/{program.Id()}/capacity?by=day&region=Fresno")).Expect(HttpStatusCode.OK);
        Assert.Equal("PsyD", Assert.Single(fresnoOnly.GetProperty("byLicenseType").EnumerateArray()).Str("licenseType"));

        var byDay = (await api.Get($"/api/programs/{program.Id()}/capacity?by=day&region=Sacramento")).Expect(HttpStatusCode.OK);
        var days = byDay.GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal(39, days.Count);
        Assert.All(days, d => Assert.Equal("Sacramento", d.Str("region")));
        Assert.Equal(("2027-03-01", 6, 1), (days[0].Str("period"), days[0].Int("committed"), days[0].Int("booked")));
        Assert.Equal("2027-03-08", days[4].Str("period")); // the holiday and the weekend have no row
        Assert.Equal(4, byDay.GetProperty("totals").Int("booked"));

        var psyd = (await api.Get($"/api/programs/{program.Id()}/capacity?licenseType=PsyD")).Expect(HttpStatusCode.OK);
        Assert.Equal((8, 0), (psyd.GetProperty("totals").Int("committed"), psyd.GetProperty("totals").Int("booked")));
        var nobody = (await api.Get($"/api/programs/{program.Id()}/capacity?region=Nowhere")).Expect(HttpStatusCode.OK);
        Assert.Equal(0, nobody.GetProperty("rows").GetArrayLength());
        Assert.Equal(0, nobody.GetProperty("byLicenseType").GetArrayLength());
        Assert.Equal(0m, nobody.GetProperty("totals").GetProperty("utilization").GetDecimal());
    }

    [Fact]
    public async Task Capacity_errors()
    {
        (await api.Get("/api/programs/nope/capacity")).ExpectProblem(HttpStatusCode.NotFound, "not-found");
        var program = await api.CreateProgram();
        (await api.Get($"/api/programs/{program.Id()}/capacity?by=month")).ExpectValidation("by");
    }
}
