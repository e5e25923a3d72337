namespace Contingency.Tests.Http;

using System.Net;
using System.Text;
using Contingency.Tests.Support;

/// <summary>Every 4xx is problem details with a code, whatever produced it: routing, content negotiation, body limits, JSON.</summary>
public sealed class ErrorContractTests(ContingencyApp app) : IClassFixture<ContingencyApp>
{
    private readonly Api api = app.Api();

    private async Task<Response> Send(HttpMethod method, string path, string? body = null, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, contentType);
        return await Response.Of(await api.Http.SendAsync(request));
    }

    [Theory]
    [InlineData("GET", "/api/nope")]
    [InlineData("GET", "/api/programs/p1/nope")]
    [InlineData("POST", "/nope")]
    public async Task Unknown_routes_are_404_not_found(string method, string path) =>
        (await Send(new HttpMethod(method), path)).ExpectProblem(HttpStatusCode.NotFound, "not-found");

    [Theory]
    [InlineData("DELETE", "/api/programs")]
    [InlineData("PUT", "/api/appointments")]
    [InlineData("PATCH", "/api/programs/p1/extend")]
    public async Task Wrong_methods_are_405_method_not_allowed(string method, string path) =>
        (await Send(new HttpMethod(method), path, "{}")).ExpectProblem(HttpStatusCode.MethodNotAllowed, "method-not-allowed");

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/xml")]
    public async Task Other_content_types_are_415(string contentType) =>
        (await Send(HttpMethod.Post, "/api/providers", "{}", contentType)).ExpectProblem(HttpStatusCode.UnsupportedMediaType, "unsupported-media-type");

    [Fact]
    public async Task A_body_over_one_megabyte_is_413_and_nothing_is_written()
    {
        var huge = $$"""{ "name": "{{new string('x', 1024 * 1024)}}" }""";
        (await Send(HttpMethod.Post, "/api/programs", huge)).ExpectProblem(HttpStatusCode.RequestEntityTooLarge, "payload-too-large");
        Assert.DoesNotContain((await api.Get("/api/programs")).Expect(HttpStatusCode.OK).EnumerateArray(), p => p.Str("name").StartsWith("xxx"));
    }

    [Theory]
    [InlineData("""{ "weeks": 2 """, null)]
    [InlineData("""{ "weeks": "two" }""", "weeks")]
    [InlineData("""{ "weeks": 2147483648 }""", "weeks")]
    [InlineData("[]", null)]
    [InlineData("", null)]
    [InlineData("null", null)]
    public async Task Unreadable_bodies_are_400_malformed_request_naming_the_field(string body, string? field)
    {
        var program = await api.CreateProgram();
        var problem = (await Send(HttpMethod.Post, $"/api/programs/{program.Id()}/extend", body))
            .ExpectProblem(HttpStatusCode.BadRequest, "malformed-request");
        if (field is not null) Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Theory]
    [InlineData("startsOn", "\"03/01/2027\"", "yyyy-MM-dd")]
    [InlineData("startsOn", "\"2027-02-30\"", "yyyy-MM-dd")]
    [InlineData("payments", """{ "weekday": "Monday, Tuesday", "time": "17:00" }""", "one of")]
    [InlineData("payments", """{ "weekday": 5, "time": "17:00" }""", "one of")]
    [InlineData("payments", """{ "weekday": "Friday", "time": "17:00:30" }""", "HH:mm")]
    [InlineData("rates", """{ "session": 1e-30, "premium": 0, "signingBonus": 0, "currency": "USD" }""", "plain digits")]
    public async Task Values_of_the_wrong_form_name_the_field_and_the_form(string field, string json, string expected)
    {
        var body = $$"""
            { "name": "P", "timeZone": "America/Los_Angeles", "startsOn": "2027-03-01", "weeks": 8,
              "rates": { "session": 150.00, "premium": 50.00, "signingBonus": 1000.00, "currency": "USD" },
              "payments": { "weekday": "Friday", "time": "17:00" }, "{{field}}": {{json}} }
            """;
        // The last duplicate property wins in System.Text.Json, so the hostile value is the one read.
        var problem = (await Send(HttpMethod.Post, "/api/programs", body)).ExpectProblem(HttpStatusCode.BadRequest, "malformed-request");
        Assert.Contains(expected, problem.Str("detail"));
        Assert.StartsWith(field, problem.GetProperty("errors").EnumerateObject().Single().Name);
    }

    [Theory]
    [InlineData("/api/providers?page=0", "invalid-request")]
    [InlineData("/api/providers?page=2147483647", "invalid-request")]
    [InlineData("/api/providers?page=2001&pageSize=500", "invalid-request")]
    [InlineData("/api/providers?pageSize=501", "invalid-request")]
    [InlineData("/api/providers?page=99999999999", "malformed-request")]
    [InlineData("/api/providers?page=abc", "malformed-request")]
    public async Task Paging_stays_within_a_million_rows(string path, string code)
    {
        var problem = (await api.Get(path)).ExpectProblem(HttpStatusCode.BadRequest, code);
        Assert.True(problem.GetProperty("errors").EnumerateObject().Any(e => e.Name is "page" or "pageSize"), problem.ToString());
    }

    [Fact]
    public async Task Query_windows_and_dates_stay_within_the_limits()
    {
        var (programId, providerId, _) = await api.Scenario();
        (await api.Get($"/api/programs/{programId}/slots?from=9999-12-31")).ExpectValidation("from");
        (await api.Get($"/api/programs/{programId}/slots?from=2027-03-01&to=2028-03-01")).ExpectValidation("to");
        (await api.Get($"/api/providers/{providerId}/slots?from=2027-03-01&to=2028-03-01")).ExpectValidation("to");
        (await api.Get($"/api/providers/{providerId}/slots?from=2027-03-01&to=2028-02-29")).Expect(HttpStatusCode.OK);
        (await api.Get($"/api/providers/{providerId}/slots?from=1999-12-31")).ExpectValidation("from");
    }

    [Fact]
    public async Task Money_with_a_third_decimal_or_beyond_the_bound_is_refused_by_field()
    {
        foreach (var (session, premium) in new[] { ("150.001", "0"), ("1000000.01", "0"), ("9999999999999999.99", "0"), ("-1", "0") })
        {
            var body = $$"""
                { "name": "P", "timeZone": "America/Los_Angeles", "startsOn": "2027-03-01", "weeks": 8,
                  "rates": { "session": {{session}}, "premium": {{premium}}, "signingBonus": 0, "currency": "USD" },
                  "payments": { "weekday": "Friday", "time": "17:00" } }
                """;
            (await Send(HttpMethod.Post, "/api/programs", body)).ExpectValidation("rates.session");
        }
        Assert.DoesNotContain((await api.Get("/api/programs")).Expect(HttpStatusCode.OK).EnumerateArray(), p => p.GetProperty("rates").GetProperty("session").GetDecimal() > 1_000_000m);
    }

    [Fact]
    public async Task Dates_past_the_limits_are_refused_and_leave_nothing_behind()
    {
        (await api.Post("/api/programs", Api.ProgramBody(startsOn: "9999-12-27"))).ExpectValidation("startsOn");
        (await api.Post("/api/programs", Api.ProgramBody(startsOn: "2099-12-01", weeks: 8))).ExpectValidation("weeks");
        (await api.Post("/api/programs", Api.ProgramBody(startsOn: "1999-12-31"))).ExpectValidation("startsOn");
        (await api.Post("/api/programs", Api.ProgramBody(holidays: Enumerable.Range(0, 367).Select(d => new DateOnly(2027, 1, 1).AddDays(d).ToString("yyyy-MM-dd")).ToArray())))
            .ExpectValidation("holidays");
        (await api.Get("/api/programs")).Expect(HttpStatusCode.OK);
    }
}

/// <summary>The money and length bounds are chosen so that nothing the service sums can overflow its storage.</summary>
public sealed class BoundsTests
{
    [Fact]
    public async Task A_program_at_every_bound_pays_and_renders()
    {
        await using var app = new ContingencyApp { SchedulerRuns = false };
        var api = app.Api();
        var program = (await api.Post("/api/programs", new
        {
            name = new string('N', 200), timeZone = "America/Los_Angeles", startsOn = "2027-03-01", weeks = 104, sessionMinutes = 60,
            holidays = Array.Empty<string>(),
            rates = new { session = 1_000_000.00m, premium = 1_000_000.00m, signingBonus = 1_000_000.00m, currency = "USD" },
            payments = new { weekday = "Friday", time = "17:00" },
        })).Expect(HttpStatusCode.Created);
        var providers = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var provider = await api.Enroll();
            providers.Add(provider.Id());
            await api.Commit(program.Id(), Api.CommitmentBody(provider.Id(), weeks: 104, slotsPerDay: 12, firstSlotAt: "00:00",
                weekdays: ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]));
        }

        app.Clock.SetUtcNow(DateTimeOffset.Parse("2027-02-26T17:00:00-08:00"));
        var run = (await api.Post($"/api/programs/{program.Id()}/payment-runs", null)).Expect(HttpStatusCode.OK);
        // Per provider: the bonus and a first week of 7 x 12 sessions at 2,000,000.00.
        Assert.Equal(3 * (1_000_000.00m + 84 * 2_000_000.00m), run.GetProperty("amount").GetDecimal());

        (await api.Get("/api/programs")).Expect(HttpStatusCode.OK);
        (await api.Get($"/api/payment-batches/{run.Str("batchId")}")).Expect(HttpStatusCode.OK);
        (await api.Get($"/api/programs/{program.Id()}/capacity?by=week")).Expect(HttpStatusCode.OK);
        var payments = (await api.Get($"/api/providers/{providers[0]}/payments?programId={program.Id()}")).Expect(HttpStatusCode.OK);
        Assert.Equal(84 * 2_000_000.00m, payments.EnumerateArray().First(p => p.Str("kind") == "advance").GetProperty("amount").GetDecimal());
        Assert.Equal(104 + 1, payments.GetArrayLength());
    }
}

/// <summary>A chunked body (no Content-Length) is cut off once it passes 1 MB.</summary>
public sealed class ChunkedBodyTests(ContingencyApp app) : IClassFixture<ContingencyApp>
{
    [Fact]
    public async Task A_chunked_body_over_one_megabyte_is_413_with_a_code()
    {
        var json = System.Text.Encoding.UTF8.GetBytes($$"""{ "name": "{{new string('x', 2 * 1024 * 1024)}}" }""");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/providers") { Content = new StreamContent(new MemoryStream(json)) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        request.Headers.TransferEncodingChunked = true;
        var response = await Response.Of(await app.CreateClient().SendAsync(request));
        response.ExpectProblem(HttpStatusCode.RequestEntityTooLarge, "payload-too-large");
    }
}
