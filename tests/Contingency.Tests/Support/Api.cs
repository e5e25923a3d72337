namespace Contingency.Tests.Support;

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Contingency.Data;
using Contingency.Features.Providers;

/// <summary>A thin client over the HTTP contract, so tests read as the scenario they drive.</summary>
public sealed class Api(HttpClient http)
{
    private static int npiSequence = Random.Shared.Next(100_000_000, 200_000_000);

    public HttpClient Http => http;

    public static string NewNpi()
    {
        var prefix = Interlocked.Increment(ref npiSequence).ToString("D9");
        return prefix + Npi.CheckDigit(prefix);
    }

    public static object ProgramBody(string startsOn = "2027-03-01", int weeks = 8, string[]? holidays = null,
        string timeZone = "America/Los_Angeles", string paymentWeekday = "Friday", string paymentTime = "17:00") => new
    {
        name = "NorCal outpatient mental health contingency",
        timeZone,
        startsOn,
        weeks,
        sessionMinutes = 60,
        holidays = holidays ?? [],
        rates = new { session = 150.00m, premium = 50.00m, signingBonus = 1000.00m, currency = "USD" },
        payments = new { weekday = paymentWeekday, time = paymentTime },
    };

    public static object ProviderBody(string? npi = null, string region = "Santa Rosa", string licenseType = "LMFT",
        string[]? languages = null, string[]? modalities = null) => new
    {
        name = "Leslie Hansen",
        npi = npi ?? NewNpi(),
        licenseType,
        licenseNumber = "LMFT 54321",
        email = "lh@example.org",
        region,
        modalities = modalities ?? ["video", "in-person"],
        languages = languages ?? ["en", "es"],
    };

    public static object CommitmentBody(string providerId, string startsOn = "2027-03-01", int weeks = 8, int slotsPerDay = 6,
        string[]? weekdays = null, string firstSlotAt = "09:00", string[]? excludedDates = null) => new
    {
        providerId,
        slotsPerDay,
        weekdays = weekdays ?? ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"],
        firstSlotAt,
        startsOn,
        weeks,
        excludedDates = excludedDates ?? [],
    };

    public static object BookingBody(string providerId, string start, string memberRef = "M-000123", string kind = "intake",
        string? previousVisitOn = null, string? modality = "video") => new
    {
        providerId, start, memberRef, kind, previousVisitOn, modality,
    };

    public async Task<Response> Post(string path, object? body, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        return await Response.Of(await http.SendAsync(request));
    }

    public async Task<Response> Put(string path, object? body) => await Response.Of(await http.PutAsync(path, JsonContent.Create(body)));

    public async Task<Response> Get(string path) => await Response.Of(await http.GetAsync(path));

    public async Task<JsonElement> CreateProgram(object? body = null) =>
        (await Post("/api/programs", body ?? ProgramBody())).Expect(HttpStatusCode.Created);

    public async Task<JsonElement> Enroll(object? body = null) =>
        (await Post("/api/providers", body ?? ProviderBody())).Expect(HttpStatusCode.Created);

    public async Task<JsonElement> Commit(string programId, object body) =>
        (await Post($"/api/programs/{programId}/commitments", body)).Expect(HttpStatusCode.Created);

    public async Task<JsonElement> Book(object body) =>
        (await Post("/api/appointments", body)).Expect(HttpStatusCode.Created);

    /// <summary>A program with one provider committed 6 slots a day, Monday to Friday, for 8 weeks from 2027-03-01.</summary>
    public async Task<(string ProgramId, string ProviderId, string CommitmentId)> Scenario(string[]? holidays = null)
    {
        var program = await CreateProgram(ProgramBody(holidays: holidays));
        var provider = await Enroll();
        var commitment = await Commit(program.Id(), CommitmentBody(provider.Id()));
        return (program.Id(), provider.Id(), commitment.Id());
    }
}

public sealed record Response(HttpStatusCode Status, string? ContentType, JsonElement Body, string Raw)
{
    public static async Task<Response> Of(HttpResponseMessage message)
    {
        var raw = await message.Content.ReadAsStringAsync();
        var body = raw.Length > 0 ? JsonDocument.Parse(raw).RootElement.Clone() : default;
        return new Response(message.StatusCode, message.Content.Headers.ContentType?.MediaType, body, raw);
    }

    public JsonElement Expect(HttpStatusCode status)
    {
        Assert.True(Status == status, $"Expected {(int)status} but got {(int)Status}: {Raw}");
        return Body;
    }

    /// <summary>Asserts a problem-details answer with the given status and stable code.</summary>
    public JsonElement ExpectProblem(HttpStatusCode status, string code)
    {
        Expect(status);
        Assert.Equal("application/problem+json", ContentType);
        Assert.Equal(code, Body.GetProperty("code").GetString());
        return Body;
    }

    /// <summary>Asserts a 400 validation problem naming the given field.</summary>
    public JsonElement ExpectValidation(string field)
    {
        Expect(HttpStatusCode.BadRequest);
        Assert.Equal("application/problem+json", ContentType);
        var errors = Body.GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out _), $"Expected a validation error on '{field}': {Raw}");
        return Body;
    }
}

public static class JsonElementExtensions
{
    public static string Id(this JsonElement e) => e.GetProperty("id").GetString()!;
    public static string Str(this JsonElement e, string name) => e.GetProperty(name).GetString()!;
    public static int Int(this JsonElement e, string name) => e.GetProperty(name).GetInt32();
}
