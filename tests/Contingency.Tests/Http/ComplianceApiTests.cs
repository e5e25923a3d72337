namespace Contingency.Tests.Http;

using System.Net;
using System.Text.Json;
using Contingency.Tests.Support;

/// <summary>Timely access against the contract: the clock stands at 2027-02-01 (ContingencyApp.DefaultNow).</summary>
public sealed class ComplianceApiTests(ContingencyApp app) : IClassFixture<ContingencyApp>
{
    private readonly Api api = app.Api();

    [Fact]
    public async Task Follow_ups_against_the_standard_with_the_late_ones_in_business_days()
    {
        // Due by 2027-03-12 for a visit on Thursday 2027-02-25: ten business days, less the holiday on 2027-03-05.
        var (programId, providerId, _) = await api.Scenario(holidays: ["2027-03-05", "2027-03-16"]);
        var onTime = await api.Book(Api.BookingBody(providerId, "2027-03-10T09:00:00-08:00", kind: "follow-up", previousVisitOn: "2027-03-01"));
        var oneLate = await api.Book(Api.BookingBody(providerId, "2027-03-15T09:00:00-07:00", kind: "follow-up", previousVisitOn: "2027-02-25"));
        var twoLate = await api.Book(Api.BookingBody(providerId, "2027-03-17T10:00:00-07:00", kind: "follow-up", previousVisitOn: "2027-02-25"));
        var cancelled = await api.Book(Api.BookingBody(providerId, "2027-03-18T09:00:00-07:00", kind: "follow-up", previousVisitOn: "2027-02-25"));
        await api.Book(Api.BookingBody(providerId, "2027-03-19T09:00:00-07:00"));
        (await api.Post($"/api/appointments/{twoLate.Id()}/no-show", null)).Expect(HttpStatusCode.OK);
        (await api.Post($"/api/appointments/{onTime.Id()}/complete", null)).Expect(HttpStatusCode.OK);
        (await api.Post($"/api/appointments/{cancelled.Id()}/cancel", new { reason = "x", initiatedBy = "member" })).Expect(HttpStatusCode.OK);

        var report = (await api.Get($"/api/programs/{programId}/compliance")).Expect(HttpStatusCode.OK);

        Assert.Equal(10, report.Int("standardBusinessDays"));
        Assert.Equal((3, 1), (report.Int("followUps"), report.Int("withinStandard")));
        Assert.Equal(0.3333m, report.GetProperty("rate").GetDecimal());
        var late = report.GetProperty("late").EnumerateArray().ToList();
        Assert.Equal(2, late.Count);
        Assert.Equal((oneLate.Id(), providerId, "2027-02-25", "2027-03-12", "2027-03-15T09:00:00-07:00", 1),
            (late[0].Str("appointmentId"), late[0].Str("providerId"), late[0].Str("previousVisitOn"), late[0].Str("dueBy"), late[0].Str("start"),
                late[0].Int("businessDaysLate")));
        // Wednesday after a Friday due date, with Tuesday a holiday: two business days late.
        Assert.Equal((twoLate.Id(), 2), (late[1].Str("appointmentId"), late[1].Int("businessDaysLate")));
    }

    public static TheoryData<string, string, string[], string, string, int?> FollowUpCases => new()
    {
        // why, previous visit, program holidays, follow-up start (local), due by, business days late (null: within the standard)
        { "a Friday visit: due two Fridays on, met on the day", "2027-03-05", [], "2027-03-19T09:00:00-07:00", "2027-03-19", null },
        { "the Monday after the due date: one business day late", "2027-03-05", [], "2027-03-22T09:00:00-07:00", "2027-03-19", 1 },
        { "a holiday in the ten days moves the due date on: met", "2027-03-05", ["2027-03-08"], "2027-03-22T09:00:00-07:00", "2027-03-22", null },
        { "a Saturday visit: counting starts on Monday", "2027-03-06", [], "2027-03-19T09:00:00-07:00", "2027-03-19", null },
        { "a holiday after the due date is not a late day", "2027-03-05", ["2027-03-23"], "2027-03-24T09:00:00-07:00", "2027-03-19", 2 },
        { "a visit before the program, the follow-up across the spring-forward weekend", "2027-02-25", [], "2027-03-15T10:00:00-07:00", "2027-03-11", 2 },
        { "a week early: met", "2027-03-10", [], "2027-03-17T09:00:00-07:00", "2027-03-24", null },
    };

    [Theory]
    [MemberData(nameof(FollowUpCases))]
    public async Task A_follow_up_against_the_standard(string why, string previousVisitOn, string[] holidays, string start, string dueBy, int? late)
    {
        var program = await api.CreateProgram(Api.ProgramBody(holidays: holidays));
        var provider = await api.Enroll();
        await api.Commit(program.Id(), Api.CommitmentBody(provider.Id()));
        var booked = await api.Book(Api.BookingBody(provider.Id(), start, kind: "follow-up", previousVisitOn: previousVisitOn));
        Assert.True((dueBy, late is null) == (booked.Str("followUpDueBy"), booked.GetProperty("timelyAccessMet").GetBoolean()), why);

        var report = (await api.Get($"/api/programs/{program.Id()}/compliance")).Expect(HttpStatusCode.OK);
        Assert.True((1, late is null ? 1 : 0) == (report.Int("followUps"), report.Int("withinStandard")), why);
        var listed = report.GetProperty("late").EnumerateArray().ToList();
        if (late is null)
        {
            Assert.True(listed.Count == 0, why);
            return;
        }
        var entry = Assert.Single(listed);
        Assert.True((booked.Id(), dueBy, start, late.Value) == (entry.Str("appointmentId"), entry.Str("dueBy"), entry.Str("start"), entry.Int("businessDaysLate")),
            $"{why}: {entry}");
    }

    [Fact]
    public async Task With_no_follow_ups_the_rate_is_null()
    {
        var (programId, providerId, _) = await api.Scenario();
        await api.Book(Api.BookingBody(providerId, "2027-03-10T09:00:00-08:00"));
        var report = (await api.Get($"/api/programs/{programId}/compliance")).Expect(HttpStatusCode.OK);
        Assert.Equal((0, 0), (report.Int("followUps"), report.Int("withinStandard")));
        Assert.Equal(JsonValueKind.Null, report.GetProperty("rate").ValueKind);
        Assert.Equal(0, report.GetProperty("late").GetArrayLength());
    }

    public static TheoryData<string, string[], string, string[], string?, int?> ThirdNextAvailableCases => new()
    {
        // why, program holidays, commitment (startsOn, slots a day), booked starts, third free slot's date, days from 2027-02-01
        { "nothing booked: the third slot of the first day", [], "2027-03-01/6", [], "2027-03-01", 28 },
        {
            "the first day full and the next with two free: the third is the day after", [], "2027-03-01/6",
            ["2027-03-01T09:00", "2027-03-01T10:00", "2027-03-01T11:00", "2027-03-01T12:00", "2027-03-01T13:00", "2027-03-01T14:00",
                "2027-03-02T09:00", "2027-03-02T10:00", "2027-03-02T11:00", "2027-03-02T12:00"],
            "2027-03-03", 30
        },
        { "a holiday on the first day", ["2027-03-01"], "2027-03-01/6", [], "2027-03-02", 29 },
        { "two slots on Friday, then the weekend: Monday", [], "2027-03-05/2", [], "2027-03-08", 35 },
        { "two slots a day, the first one booked: the third free slot is on the second day", [], "2027-03-01/2",
            ["2027-03-01T09:00"], "2027-03-02", 29 },
    };

    [Theory]
    [MemberData(nameof(ThirdNextAvailableCases))]
    public async Task Third_next_available_by_region(string why, string[] holidays, string commitment, string[] booked, string? date, int? days)
    {
        var program = await api.CreateProgram(Api.ProgramBody(holidays: holidays));
        var provider = await api.Enroll(Api.ProviderBody(region: "Sacramento"));
        var (startsOn, slots) = (commitment.Split('/')[0], int.Parse(commitment.Split('/')[1]));
        await api.Commit(program.Id(), Api.CommitmentBody(provider.Id(), startsOn: startsOn, weeks: 1, slotsPerDay: slots));
        foreach (var (start, i) in booked.Select((b, i) => (b, i)))
            await api.Book(Api.BookingBody(provider.Id(), $"{start}:00-08:00", memberRef: $"M-{i}"));

        var report = (await api.Get($"/api/programs/{program.Id()}/compliance")).Expect(HttpStatusCode.OK);
        var region = Assert.Single(report.GetProperty("thirdNextAvailable").EnumerateArray());
        Assert.Equal("Sacramento", region.Str("region"));
        Assert.True(date == region.GetProperty("date").GetString(), why);
        Assert.True(days == (region.GetProperty("days").ValueKind == JsonValueKind.Null ? null : region.Int("days")), why);
    }

    [Fact]
    public async Task A_region_with_fewer_than_three_free_slots_has_no_third_next_available()
    {
        var program = await api.CreateProgram();
        var sacramento = await api.Enroll(Api.ProviderBody(region: "Sacramento"));
        var fresno = await api.Enroll(Api.ProviderBody(region: "Fresno"));
        await api.Enroll(Api.ProviderBody(region: "Oakland"));
        await api.Commit(program.Id(), Api.CommitmentBody(sacramento.Id()));
        // Fresno: one slot a day for one week, three of the five booked; Oakland: demand and no provider committed.
        await api.Commit(program.Id(), Api.CommitmentBody(fresno.Id(), weeks: 1, slotsPerDay: 1));
        foreach (var day in new[] { "01", "03", "05" })
            await api.Book(Api.BookingBody(fresno.Id(), $"2027-03-{day}T09:00:00-08:00", memberRef: $"M-{day}"));
        (await api.Put($"/api/programs/{program.Id()}/demand", new Dictionary<string, int> { ["Oakland"] = 100 })).Expect(HttpStatusCode.OK);

        var report = (await api.Get($"/api/programs/{program.Id()}/compliance")).Expect(HttpStatusCode.OK);
        var regions = report.GetProperty("thirdNextAvailable").EnumerateArray().ToList();
        Assert.Equal(["Fresno", "Oakland", "Sacramento"], regions.Select(r => r.Str("region")));
        Assert.All(regions.Take(2), r =>
        {
            Assert.Equal(JsonValueKind.Null, r.GetProperty("date").ValueKind);
            Assert.Equal(JsonValueKind.Null, r.GetProperty("days").ValueKind);
        });
        Assert.Equal(("2027-03-01", 28), (regions[2].Str("date"), regions[2].Int("days")));
    }

    [Fact]
    public async Task Compliance_of_an_unknown_program_is_404()
    {
        (await api.Get("/api/programs/nope/compliance")).ExpectProblem(HttpStatusCode.NotFound, "not-found");
    }
}
