namespace Contingency.Tests.Http;

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Contingency.Tests.Support;

public sealed class DemandApiTests(ContingencyApp app) : IClassFixture<ContingencyApp>
{
    private readonly Api api = app.Api();

    [Fact]
    public async Task Weekly_rows_carry_demand_and_the_gap_to_it()
    {
        var program = await api.CreateProgram();
        var sacramento = await api.Enroll(Api.ProviderBody(region: "Sacramento"));
        await api.Enroll(Api.ProviderBody(region: "Fresno"));
        await api.Commit(program.Id(), Api.CommitmentBody(sacramento.Id())); // 30 a week for 8 weeks

        var set = (await api.Put($"/api/programs/{program.Id()}/demand", new Dictionary<string, int> { ["Sacramento"] = 25, ["Fresno"] = 12 }))
            .Expect(HttpStatusCode.OK);
        Assert.Equal(program.Id(), set.Str("programId"));
        Assert.Equal((12, 25), (set.GetProperty("demand").Int("Fresno"), set.GetProperty("demand").Int("Sacramento")));
        // Below need in Sacramento for the first week: 40 needed, 30 committed.
        (await api.Put($"/api/programs/{program.Id()}/demand", new Dictionary<string, int> { ["Sacramento"] = 40, ["Fresno"] = 12 }))
            .Expect(HttpStatusCode.OK);

        var capacity = (await api.Get($"/api/programs/{program.Id()}/capacity?by=week")).Expect(HttpStatusCode.OK);
        var rows = capacity.GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal(16, rows.Count); // eight weeks of each region: Fresno has need and nothing committed
        Assert.Equal(("2027-03-01", "Fresno", 0, 12, 12), Row(rows[0]));
        Assert.Equal(("2027-03-01", "Sacramento", 30, 40, 10), Row(rows[1]));
        Assert.Equal(("2027-04-19", "Sacramento", 30, 40, 10), Row(rows[15]));
        var totals = capacity.GetProperty("totals");
        Assert.Equal((240, 8 * 52, 8 * 22), (totals.Int("committed"), totals.Int("demand"), totals.Int("gap")));

        var fresno = (await api.Get($"/api/programs/{program.Id()}/capacity?region=Fresno")).Expect(HttpStatusCode.OK);
        Assert.Equal((96, 96), (fresno.GetProperty("totals").Int("demand"), fresno.GetProperty("totals").Int("gap")));

        // Demand is weekly and regional: by day, or by licence, it has no figure to show.
        var byDay = (await api.Get($"/api/programs/{program.Id()}/capacity?by=day")).Expect(HttpStatusCode.OK);
        Assert.Equal(JsonValueKind.Null, byDay.GetProperty("totals").GetProperty("demand").ValueKind);
        Assert.All(byDay.GetProperty("rows").EnumerateArray(), r => Assert.Equal(JsonValueKind.Null, r.GetProperty("gap").ValueKind));
        var byLicence = (await api.Get($"/api/programs/{program.Id()}/capacity?licenseType=LMFT")).Expect(HttpStatusCode.OK);
        Assert.Equal(JsonValueKind.Null, byLicence.GetProperty("totals").GetProperty("gap").ValueKind);

        // More committed than needed is no gap, never a negative one; a region left out has no demand.
        (await api.Put($"/api/programs/{program.Id()}/demand", new Dictionary<string, int> { ["Sacramento"] = 10 })).Expect(HttpStatusCode.OK);
        var after = (await api.Get($"/api/programs/{program.Id()}/capacity")).Expect(HttpStatusCode.OK);
        var sacramentoRows = after.GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal(8, sacramentoRows.Count);
        Assert.All(sacramentoRows, r => Assert.Equal(("Sacramento", 10, 0), (r.Str("region"), r.Int("demand"), r.Int("gap"))));
        Assert.Equal((80, 0), (after.GetProperty("totals").Int("demand"), after.GetProperty("totals").Int("gap")));
    }

    [Fact]
    public async Task A_program_without_demand_shows_zero_demand_by_week()
    {
        var (programId, _, _) = await api.Scenario();
        var capacity = (await api.Get($"/api/programs/{programId}/capacity")).Expect(HttpStatusCode.OK);
        Assert.All(capacity.GetProperty("rows").EnumerateArray(), r => Assert.Equal((0, 0), (r.Int("demand"), r.Int("gap"))));
    }

    [Fact]
    public async Task Each_change_of_demand_is_audited()
    {
        var program = await api.CreateProgram();
        await api.Enroll(Api.ProviderBody(region: "Oakland"));
        (await api.Put($"/api/programs/{program.Id()}/demand", new Dictionary<string, int> { ["Oakland"] = 300 })).Expect(HttpStatusCode.OK);
        (await api.Put($"/api/programs/{program.Id()}/demand", new Dictionary<string, int>())).Expect(HttpStatusCode.OK);

        var audit = (await api.Get("/api/audit?entityType=region-demand&pageSize=500")).Expect(HttpStatusCode.OK);
        var created = Assert.Single(audit.GetProperty("items").EnumerateArray(),
            e => e.Str("summary").Contains(program.Id(), StringComparison.Ordinal));
        Assert.Contains("region: Oakland; sessionsPerWeek: 300", created.Str("summary"), StringComparison.Ordinal);
        var history = (await api.Get($"/api/audit?entityType=region-demand&entityId={created.Str("entityId")}")).Expect(HttpStatusCode.OK);
        var entries = history.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(2, entries.Count);
        Assert.Contains(entries, e => e.Str("summary").Contains("sessionsPerWeek: 300", StringComparison.Ordinal));
        Assert.Contains(entries, e => e.Str("summary") == "deleted");
    }

    [Theory]
    [InlineData("""{ "Sacramento": -1 }""", "Sacramento")]
    [InlineData("""{ "Sacramento": 1000001 }""", "Sacramento")]
    [InlineData("""{ "Sacramento": null }""", "Sacramento")]
    [InlineData("""{ "": 10 }""", "demand")]
    [InlineData("""{ "   ": 10 }""", "demand")]
    [InlineData("""{ "Atlantis": 10 }""", "Atlantis")]
    [InlineData("""{ "sacramento": 10 }""", "sacramento")]
    public async Task Demand_is_refused_field_by_field(string body, string field)
    {
        var program = await api.CreateProgram();
        await api.Enroll(Api.ProviderBody(region: "Sacramento"));
        (await Put($"/api/programs/{program.Id()}/demand", body)).ExpectValidation(field);
    }

    [Fact]
    public async Task Demand_errors()
    {
        var program = await api.CreateProgram();
        (await Put($"/api/programs/{program.Id()}/demand", """{ "Sacramento": 1.5 }""")).ExpectProblem(HttpStatusCode.BadRequest, "malformed-request");
        (await Put($"/api/programs/{program.Id()}/demand", """[1, 2]""")).ExpectProblem(HttpStatusCode.BadRequest, "malformed-request");
        (await Put($"/api/programs/{program.Id()}/demand", """{ "Sacramento": "many" }""")).ExpectProblem(HttpStatusCode.BadRequest, "malformed-request");
        var tooMany = string.Join(", ", Enumerable.Range(0, 201).Select(i => $"\"R{i}\": 1"));
        (await Put($"/api/programs/{program.Id()}/demand", $"{{ {tooMany} }}")).ExpectValidation("demand");
        (await api.Put("/api/programs/nope/demand", new Dictionary<string, int>())).ExpectProblem(HttpStatusCode.NotFound, "not-found");
        (await api.Put("/api/programs/nope/demand", new Dictionary<string, int> { ["Atlantis"] = 1 })).ExpectProblem(HttpStatusCode.NotFound, "not-found");
    }

    private static (string, string, int, int, int) Row(JsonElement r) =>
        (r.Str("period"), r.Str("region"), r.Int("committed"), r.Int("demand"), r.Int("gap"));

    private async Task<Response> Put(string path, string json) =>
        await Response.Of(await api.Http.PutAsync(path, new StringContent(json, System.Text.Encoding.UTF8, "application/json")));
}
