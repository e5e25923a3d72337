namespace Contingency.Tests.Http;

using System.Net;
using Contingency.Tests.Support;

public sealed class ProgramsApiTests(ContingencyApp app) : IClassFixture<ContingencyApp>
{
    private readonly Api api = app.Api();

    [Fact]
    public async Task Creates_a_program_with_its_end_date()
    {
        var response = await api.Post("/api/programs", Api.ProgramBody(startsOn: "2022-08-29", holidays: ["2022-09-05"]));
        var program = response.Expect(HttpStatusCode.Created);

        Assert.False(string.IsNullOrEmpty(program.Id()));
        Assert.Equal("2022-10-23", program.Str("endsOn"));
        Assert.Equal("America/Los_Angeles", program.Str("timeZone"));
        Assert.Equal(150.00m, program.GetProperty("rates").GetProperty("session").GetDecimal());
        Assert.Equal("17:00", program.GetProperty("payments").Str("time"));
        Assert.Equal("Friday", program.GetProperty("payments").Str("weekday"));

        var fetched = (await api.Get($"/api/programs/{program.Id()}")).Expect(HttpStatusCode.OK);
        Assert.Equal(program.ToString(), fetched.ToString());
        var all = (await api.Get("/api/programs")).Expect(HttpStatusCode.OK);
        Assert.Contains(all.EnumerateArray(), p => p.Id() == program.Id());
    }

    [Fact]
    public async Task Extends_a_program()
    {
        var program = await api.CreateProgram();
        var extended = (await api.Post($"/api/programs/{program.Id()}/extend", new { weeks = 2 })).Expect(HttpStatusCode.OK);
        Assert.Equal(10, extended.Int("weeks"));
        Assert.Equal("2027-05-09", extended.Str("endsOn"));
        Assert.Equal("2027-05-09", (await api.Get($"/api/programs/{program.Id()}")).Expect(HttpStatusCode.OK).Str("endsOn"));
    }

    [Theory]
    [InlineData("Mars/Olympus_Mons")]
    [InlineData("Pacific Standard Time")]
    [InlineData("")]
    public async Task Refuses_a_zone_that_is_not_an_IANA_id(string zone) =>
        (await api.Post("/api/programs", Api.ProgramBody(timeZone: zone))).ExpectValidation("timeZone");

    [Fact]
    public async Task Validates_every_field_at_once()
    {
        var body = (await api.Post("/api/programs", new { weeks = 0, rates = new { session = 1.234m, currency = "usd" } }))
            .ExpectValidation("name");
        var errors = body.GetProperty("errors");
        foreach (var field in new[] { "timeZone", "startsOn", "weeks", "rates.session", "rates.premium", "rates.currency", "payments" })
            Assert.True(errors.TryGetProperty(field, out _), $"no error for {field}: {body}");
    }

    [Fact]
    public async Task Unknown_program_is_404_with_a_code()
    {
        (await api.Get("/api/programs/nope")).ExpectProblem(HttpStatusCode.NotFound, "not-found");
        (await api.Post("/api/programs/nope/extend", new { weeks = 1 })).ExpectProblem(HttpStatusCode.NotFound, "not-found");
    }

    [Fact]
    public async Task Extension_needs_a_positive_number_of_weeks()
    {
        var program = await api.CreateProgram();
        (await api.Post($"/api/programs/{program.Id()}/extend", new { weeks = 0 })).ExpectValidation("weeks");
        (await api.Post($"/api/programs/{program.Id()}/extend", new { })).ExpectValidation("weeks");
    }

    [Fact]
    public async Task Malformed_json_is_a_400_problem_not_a_500()
    {
        using var content = new StringContent("{\"name\": ", System.Text.Encoding.UTF8, "application/json");
        var response = await Response.Of(await api.Http.PostAsync("/api/programs", content));
        response.ExpectProblem(HttpStatusCode.BadRequest, "malformed-request");

        using var wrongType = new StringContent("{\"weeks\": \"eight\"}", System.Text.Encoding.UTF8, "application/json");
        (await Response.Of(await api.Http.PostAsync("/api/programs", wrongType))).ExpectProblem(HttpStatusCode.BadRequest, "malformed-request");

        using var badDate = new StringContent("{\"startsOn\": \"2027-02-30\"}", System.Text.Encoding.UTF8, "application/json");
        (await Response.Of(await api.Http.PostAsync("/api/programs", badDate))).ExpectProblem(HttpStatusCode.BadRequest, "malformed-request");
    }
}
