namespace Contingency.Tests.Http;

using System.Data.Common;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Contingency.Tests.Support;

/// <summary>Builds a request body over the fixture's ids (null: the request has no body).</summary>
public delegate byte[] BodyBuilder(HostileFixture fx);

/// <summary>Builds a JSON object over the fixture's ids, for a case to break one member of.</summary>
public delegate JsonObject Template(HostileFixture fx);

/// <summary>What an accepted request did: the rows it may add, and what its record must (not) carry.</summary>
public delegate Task AcceptedCheck(HostileFixture fx, JsonElement body, Tally tally);

/// <summary>
/// What a case may answer. <see cref="Success"/> is the 2xx an acceptable request gets (null: it must
/// be refused). <see cref="Refusal"/> is the exact 4xx of a refusal, 0 for "any 4xx" (where the contract
/// leaves 400 or 422 open), null when the request must not be refused. A refusal is always
/// `application/problem+json` with a non-empty `code`, one of <see cref="Codes"/> when any are given.
/// </summary>
public sealed class Expect(int? success, int? refusal, params string[] codes)
{
    public int? Success { get; } = success;
    public int? Refusal { get; } = refusal;
    public IReadOnlyList<string> Codes { get; } = codes;

    public override string ToString()
    {
        var refused = Refusal switch
        {
            null => null,
            0 => "a 4xx with a code",
            _ => $"{Refusal} {(Codes.Count == 0 ? "with a code" : string.Join(" or ", Codes))}",
        };
        return (Success, refused) switch
        {
            (null, _) => refused!,
            (_, null) => $"{Success}",
            _ => $"{Success}, or {refused}",
        };
    }
}

public sealed record HostileCase(
    string Name, string Method, string Path, Expect Expect, BodyBuilder? Body = null, string? ContentType = "application/json",
    string? Field = null, string? IdempotencyKey = null, AcceptedCheck? OnAccepted = null);

public sealed record CaseResult(HostileCase Case, string Path, int Status, string? ContentType, string Raw, JsonElement? Json, string? Error)
{
    public string? Code => Json is { ValueKind: JsonValueKind.Object } j && j.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String
        ? c.GetString()
        : null;

    public bool Accepted => Status is >= 200 and < 300;

    /// <summary>Null when the answer is what the case expects; otherwise what is wrong with it.</summary>
    public string? Failure()
    {
        var expect = Case.Expect;
        if (Error is not null) return $"the request failed: {Error}";
        if (Accepted)
            return expect.Success == Status ? null : $"accepted with {Status}";
        if (Status >= 500) return $"answered {Status}";
        if (Status < 400) return $"answered {Status}";

        if (expect.Refusal is null) return $"refused with {Status} {Code}";
        if (expect.Refusal != 0 && expect.Refusal != Status) return $"answered {Status} {Code ?? "(no code)"}";
        if (ContentType != "application/problem+json") return $"answered {Status} as {ContentType ?? "(no content type)"}, not application/problem+json";
        if (string.IsNullOrEmpty(Code)) return $"answered {Status} with no code";
        if (expect.Codes.Count > 0 && !expect.Codes.Contains(Code)) return $"answered {Status} {Code}";
        if (Code == "invalid-request")
        {
            if (Json!.Value.TryGetProperty("errors", out var errors) is false || errors.ValueKind != JsonValueKind.Object
                || !errors.EnumerateObject().Any())
                return "invalid-request without an errors map";
            if (Case.Field is { } field && !errors.EnumerateObject().Any(e => e.Name.Contains(field, StringComparison.OrdinalIgnoreCase)))
                return $"invalid-request without an error on '{field}'";
        }
        if (Code == "malformed-request" && Case.Field is { } named && !Raw.Contains(named, StringComparison.OrdinalIgnoreCase))
            return $"malformed-request that does not name '{named}'";
        return null;
    }

    public string Describe(string failure) =>
        $"{Case.Name} [{Case.Method} {Shorten(Path, 120)}]: expected {Case.Expect}, {failure}" +
        (Raw.Length > 0 ? $" — {Shorten(Raw.ReplaceLineEndings(" "), 300)}" : "");

    private static string Shorten(string text, int max) => text.Length <= max ? text : text[..max] + $"…({text.Length} chars)";
}

/// <summary>The rows an accepted request added, and what is wrong with the record it made.</summary>
public sealed class Tally
{
    public Dictionary<string, long> Adds { get; } = [];
    public List<string> Problems { get; } = [];

    public void Add(string table, long rows) => Adds[table] = Adds.GetValueOrDefault(table) + rows;

    public void Check(bool ok, string problem)
    {
        if (!ok) Problems.Add(problem);
    }
}

/// <summary>
/// One service over one SQLite file: a program, providers, commitments, booked appointments and a
/// payment batch to aim hostile requests at, then the whole hostile table sent once, in order.
/// </summary>
public sealed class HostileFixture : IAsyncLifetime
{
    public static readonly DateTimeOffset AfterFirstPaymentMoment = DateTimeOffset.Parse("2027-02-26T17:05:00-08:00", CultureInfo.InvariantCulture);

    public static readonly string[] Tables =
        ["Programs", "Providers", "Commitments", "Appointments", "Payments", "PaymentBatches", "PaymentReleases", "IdempotencyRecords"];

    public const string FixtureKey = "hostile-fixture-key";

    private const int PoolSize = 120;
    private static readonly TimeZoneInfo Zone = TimeZoneInfo.FindSystemTimeZoneById("America/Los_Angeles");

    private readonly Dictionary<string, string> ids = [];
    private readonly List<CaseResult> results = [];
    private readonly Queue<string> providerPool = new();
    private int slotsHandedOut;

    public ContingencyApp App { get; } = new() { SchedulerRuns = false };
    public Api Api { get; private set; } = null!;
    public IReadOnlyDictionary<string, long> Baseline { get; private set; } = new Dictionary<string, long>();
    public IReadOnlyList<CaseResult> Results => results;

    /// <summary>The body of the one booking made with <see cref="FixtureKey"/>, to replay it.</summary>
    public string KeyedBookingBody { get; private set; } = "";

    public string this[string name] => ids[name];

    /// <summary>
    /// A provider enrolled for one case alone and committed nowhere: a commitment that a case wrongly
    /// gets accepted then spoils no other case (they would answer `already-committed` instead).
    /// </summary>
    public string FreshProvider() =>
        providerPool.TryDequeue(out var id) ? id : throw new InvalidOperationException($"More than {PoolSize} cases want a fresh provider.");

    /// <summary>
    /// A free slot of the fixture's provider that no other case uses (weekdays from Thursday 2027-03-04,
    /// 09:00 to 14:00), so a booking that a case wrongly gets accepted spoils no other case.
    /// </summary>
    public string FreshSlot()
    {
        var n = slotsHandedOut++;
        var day = new DateOnly(2027, 3, 4);
        for (var weekdays = 0; ; day = day.AddDays(1))
        {
            if (day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday) continue;
            if (weekdays++ == n / 6) break;
        }
        var local = day.ToDateTime(new TimeOnly(9 + n % 6, 0));
        return new DateTimeOffset(local, Zone.GetUtcOffset(local)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
    }

    /// <summary>Replaces each `{name}` of the fixture's ids in a path or raw JSON text.</summary>
    public string Fill(string text)
    {
        if (!text.Contains('{')) return text;
        foreach (var (name, id) in ids) text = text.Replace("{" + name + "}", id, StringComparison.Ordinal);
        return text;
    }

    public async Task InitializeAsync()
    {
        Api = App.Api();
        ids["program"] = (await Api.CreateProgram()).Id();
        // The one the extension cases aim at, so that one wrongly accepted does not move the others' program.
        ids["extendTarget"] = (await Api.CreateProgram()).Id();
        // Ends 2099-12-27: one more week would carry it past the last date the contract allows.
        ids["lateProgram"] = (await Api.CreateProgram(Api.ProgramBody(startsOn: "2099-11-02"))).Id();
        // Already as long as a program may be.
        ids["longProgram"] = (await Api.CreateProgram(Api.ProgramBody(weeks: 104))).Id();

        var provider = await Api.Enroll();
        ids["provider"] = provider.Id();
        ids["providerNpi"] = provider.Str("npi");
        foreach (var name in new[] { "freeProvider", "extraProvider", "spareProvider", "withdrawProvider" })
            ids[name] = (await Api.Enroll()).Id();
        for (var i = 0; i < PoolSize; i++) providerPool.Enqueue((await Api.Enroll()).Id());

        ids["commitment"] = (await Api.Commit(ids["program"], Api.CommitmentBody(ids["provider"]))).Id();
        ids["spareCommitment"] = (await Api.Commit(ids["program"], Api.CommitmentBody(ids["spareProvider"]))).Id();
        ids["withdrawTarget"] = (await Api.Commit(ids["program"], Api.CommitmentBody(ids["withdrawProvider"]))).Id();

        // Monday 2027-03-01 has six slots, 09:00 to 14:00; each appointment has its own part to play.
        var slots = new[] { "appointment", "target", "toCancel", "toComplete", "toNoShow", "toReschedule" };
        for (var i = 0; i < slots.Length; i++)
            ids[slots[i]] = (await Api.Book(Api.BookingBody(ids["provider"], $"2027-03-01T{9 + i:00}:00:00-08:00"))).Id();
        ids["appointmentStart"] = "2027-03-01T09:00:00-08:00";

        ids["cancelled"] = (await Api.Book(Api.BookingBody(ids["provider"], "2027-03-02T10:00:00-08:00"))).Id();
        (await Api.Post($"/api/appointments/{ids["cancelled"]}/cancel", new { reason = "Member asked", initiatedBy = "member" }))
            .Expect(HttpStatusCode.OK);

        // The first payment moment has passed: the bonuses and first advances go out in one batch.
        App.Clock.SetUtcNow(AfterFirstPaymentMoment);
        var run = (await Api.Post($"/api/programs/{ids["program"]}/payment-runs", null)).Expect(HttpStatusCode.OK);
        ids["batch"] = run.Str("batchId");

        // Booked with a key after the clock's last move, so the key still answers (Retention:IdempotencyHours) when the cases run.
        var keyed = Api.BookingBody(ids["provider"], "2027-03-02T09:00:00-08:00", memberRef: "M-KEYED");
        KeyedBookingBody = JsonSerializer.Serialize(keyed);
        ids["keyed"] = (await Api.Post("/api/appointments", keyed, FixtureKey)).Expect(HttpStatusCode.Created).Id();

        Baseline = await CountRowsAsync();
        foreach (var c in HostileInputTable.Cases) results.Add(await SendAsync(c));
    }

    public Task DisposeAsync() => App.DisposeAsync().AsTask();

    public async Task<CaseResult> SendAsync(HostileCase c)
    {
        var path = Fill(c.Path);
        try
        {
            using var request = new HttpRequestMessage(new HttpMethod(c.Method), path);
            if (c.Body is not null)
            {
                request.Content = new ByteArrayContent(c.Body(this));
                if (c.ContentType is not null) request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(c.ContentType);
            }
            if (c.IdempotencyKey is not null) request.Headers.TryAddWithoutValidation("Idempotency-Key", Fill(c.IdempotencyKey));
            using var response = await Api.Http.SendAsync(request);
            var raw = await response.Content.ReadAsStringAsync();
            return new CaseResult(c, path, (int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, raw, TryParse(raw), null);
        }
        catch (Exception e)
        {
            return new CaseResult(c, path, 0, null, "", null, $"{e.GetType().Name}: {e.Message}");
        }
    }

    public static JsonElement? TryParse(string raw)
    {
        if (raw.Length == 0 || raw[0] is not ('{' or '[')) return null;
        try
        {
            return JsonDocument.Parse(raw).RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private DbConnection Open() => App.OpenDatabase();

    /// <summary>Row counts read straight from the database, not through the service.</summary>
    public async Task<Dictionary<string, long>> CountRowsAsync()
    {
        var counts = new Dictionary<string, long>();
        foreach (var table in Tables) counts[table] = await ScalarAsync<long>($"SELECT COUNT(*) FROM \"{table}\"");
        return counts;
    }

    public async Task<T?> ScalarAsync<T>(string sql, params (string Name, object? Value)[] parameters)
    {
        await using var connection = Open();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters) command.With(name, value);
        var result = await command.ExecuteScalarAsync() switch
        {
            // A date as SQLite keeps it (yyyy-MM-dd text), whichever database returned it.
            DateTime date when date.TimeOfDay == TimeSpan.Zero => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            DateOnly date => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            var other => other,
        };
        return result is null or DBNull ? default : (T)Convert.ChangeType(result, typeof(T), CultureInfo.InvariantCulture);
    }

    public async Task<List<string>> IdsAsync(string table)
    {
        await using var connection = Open();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT \"Id\" FROM \"{table}\" ORDER BY \"Id\"";
        var list = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) list.Add(reader.GetString(0));
        return list;
    }
}

/// <summary>Small helpers for writing the table's bodies.</summary>
public static class HostileJson
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    public static JsonObject Node(object body) => JsonSerializer.SerializeToNode(body, Web)!.AsObject();

    /// <summary>A JSON string literal of the text.</summary>
    public static string Str(string text) => JsonSerializer.Serialize(text);

    /// <summary>A JSON array of <paramref name="count"/> raw items.</summary>
    public static string Array(int count, Func<int, string> item)
    {
        var sb = new StringBuilder("[");
        for (var i = 0; i < count; i++)
        {
            if (i > 0) sb.Append(',');
            sb.Append(item(i));
        }
        return sb.Append(']').ToString();
    }

    /// <summary>Distinct dates from 2000-01-01 on (within the contract's range for up to 36,524 of them).</summary>
    public static string Dates(int count) =>
        Array(count, i => Str(new DateOnly(2000, 1, 1).AddDays(i % 36_500).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)));

    /// <summary>A raw body (ids of the fixture filled in).</summary>
    public static BodyBuilder Raw(string text) => fx => Utf8(fx.Fill(text));

    /// <summary>The template as it is: a valid body.</summary>
    public static BodyBuilder Valid(Template template) => fx => Utf8(template(fx).ToJsonString());

    /// <summary>
    /// The template with members replaced by raw JSON text (ids of the fixture filled in), or removed
    /// where the raw text is null. Paths are dotted: "rates.session".
    /// </summary>
    public static BodyBuilder Edit(Template template, params (string Path, string? Raw)[] edits) => fx =>
    {
        var root = template(fx);
        var raws = new List<string>();
        foreach (var (path, raw) in edits)
        {
            var parts = path.Split('.');
            var parent = root;
            foreach (var part in parts[..^1])
            {
                if (parent[part] is not JsonObject child) parent[part] = child = new JsonObject();
                parent = child;
            }
            if (raw is null)
            {
                parent.Remove(parts[^1]);
                continue;
            }
            parent[parts[^1]] = $"@@raw{raws.Count}@@";
            raws.Add(raw);
        }
        var text = root.ToJsonString();
        for (var i = 0; i < raws.Count; i++) text = text.Replace($"\"@@raw{i}@@\"", fx.Fill(raws[i]), StringComparison.Ordinal);
        return Utf8(text);
    };
}
