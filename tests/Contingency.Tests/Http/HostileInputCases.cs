namespace Contingency.Tests.Http;

using System.Text;
using System.Text.Json.Nodes;
using Contingency.Tests.Support;
using static HostileJson;

/// <summary>
/// The hostile-input table: requests over every write route and the reads that take parameters, each
/// with the answer the contract's Conventions give it. Paths and raw JSON name the fixture's records as
/// {program}, {provider}, {commitment}, {appointment}, {batch} and so on (see <see cref="HostileFixture"/>).
///
/// Where the contract fixes the answer the case asserts it exactly. Where it leaves a choice the case
/// says so: <see cref="BadRequest"/> is a 400 that may be `invalid-request` or `malformed-request`
/// (whether a null, an enum name, a date, a local time or an amount is refused while reading the JSON
/// or while validating it is the service's design; either way it names the field), and
/// <see cref="Refused"/> is any 4xx (the contract leaves 400 or 422 open). Requests that a service may
/// accept are few and marked; each says what its record must carry and which rows it may add.
/// </summary>
public static class HostileInputTable
{
    private static readonly Expect Malformed = new(null, 400, "malformed-request");
    private static readonly Expect Invalid = new(null, 400, "invalid-request");
    private static readonly Expect BadRequest = new(null, 400, "invalid-request", "malformed-request");
    private static readonly Expect Refused = new(null, 0);
    private static readonly Expect NotFound = new(null, 404, "not-found");
    private static readonly Expect MethodNotAllowed = new(null, 405, "method-not-allowed");
    private static readonly Expect TooLarge = new(null, 413, "payload-too-large");
    private static readonly Expect Unsupported = new(null, 415, "unsupported-media-type");

    private static Expect Problem(int status, string code) => new(null, status, code);
    private static Expect Answers(int status) => new(status, null);
    private static Expect AcceptedOr(int status, Expect refusal) => new(status, refusal.Refusal, [.. refusal.Codes]);

    private static readonly Template ProgramBody = _ => Node(Api.ProgramBody());
    private static readonly Template ProviderBody = _ => Node(Api.ProviderBody());
    private static readonly Template CommitmentBody = fx => Node(Api.CommitmentBody(fx.FreshProvider()));
    private static readonly Template WithdrawBody = _ => Node(new { effectiveOn = "2027-03-15", reason = "Leaving the network" });
    private static readonly Template BookingBody = fx => Node(Api.BookingBody(fx["provider"], fx.FreshSlot()));
    private static readonly Template CancelBody = _ => Node(new { reason = "Member asked", initiatedBy = "member" });
    private static readonly Template RescheduleBody = fx => Node(new { providerId = fx["provider"], start = fx.FreshSlot() });
    private static readonly Template ExtendBody = _ => Node(new { weeks = 2 });

    private const string OverOneMegabyte = "{\"hostilePadding\":\"@@pad@@\"}";

    public static IReadOnlyList<HostileCase> Cases { get; } = Build();

    private static List<HostileCase> Build()
    {
        var cases = new List<HostileCase>();
        cases.AddRange(Programs());
        cases.AddRange(Extend());
        cases.AddRange(Providers());
        cases.AddRange(ProviderList());
        cases.AddRange(Commitments());
        cases.AddRange(Withdraw());
        cases.AddRange(Bookings());
        cases.AddRange(Cancel());
        cases.AddRange(CompleteAndNoShow());
        cases.AddRange(Reschedule());
        cases.AddRange(PaymentRuns());
        cases.AddRange(ProviderSlots());
        cases.AddRange(ProgramSlots());
        cases.AddRange(Capacity());
        cases.AddRange(Payments());
        cases.AddRange(Batches());
        cases.AddRange(AuditList());
        cases.AddRange(Lists());
        cases.AddRange(Routes());
        var duplicate = cases.GroupBy(c => c.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new InvalidOperationException($"Two hostile cases are named '{duplicate.Key}'.");
        return cases;
    }

    private static HostileCase Post(string name, string path, BodyBuilder? body, Expect expect, string? field = null,
        string? key = null, AcceptedCheck? onAccepted = null) =>
        new(name, "POST", path, expect, body, "application/json", field, key, onAccepted);

    private static HostileCase Get(string name, string path, Expect expect, string? field = null) =>
        new(name, "GET", path, expect, null, null, field);

    private static HostileCase Typed(string name, string path, string contentType, BodyBuilder body, Expect expect, string? key = null) =>
        new(name, "POST", path, expect, body, contentType, IdempotencyKey: key);

    /// <summary>A method the path does not answer: 405, with a small JSON body where a body is usual.</summary>
    private static HostileCase Wrong(string method, string path) =>
        new($"wrong method: {method} {path}", method, path, MethodNotAllowed,
            method is "GET" or "DELETE" ? null : Raw("{}"), method is "GET" or "DELETE" ? null : "application/json");

    private static BodyBuilder Padded(int length) => _ => Utf8(OverOneMegabyte.Replace("@@pad@@", new string('x', length), StringComparison.Ordinal));

    /// <summary>Bodies no JSON route can read, and bodies of the wrong media type or size.</summary>
    private static IEnumerable<HostileCase> Unreadable(string route, string path, Template valid, string? text = null, string? key = null)
    {
        yield return Post($"{route}: truncated JSON", path, fx =>
        {
            var text = valid(fx).ToJsonString();
            return Utf8(text[..(text.Length / 2)]);
        }, Malformed, key: key);
        yield return Post($"{route}: empty body", path, Raw(""), Malformed, key: key);
        yield return Post($"{route}: the JSON literal null", path, Raw("null"), Malformed, key: key);
        yield return Post($"{route}: an array instead of an object", path, fx => Utf8($"[{valid(fx).ToJsonString()}]"), Malformed, key: key);
        yield return Post($"{route}: single-quoted JSON", path, fx => Utf8(valid(fx).ToJsonString().Replace('"', '\'')), Malformed, key: key);
        yield return Typed($"{route}: valid JSON sent as text/plain", path, "text/plain", Valid(valid), Unsupported, key);
        yield return Post($"{route}: a JSON body over 1 MB", path, Padded(1_100_000), TooLarge, key: key);
        if (text is null) yield break;
        yield return Post($"{route}: only an opening brace", path, Raw("{"), Malformed, key: key);
        yield return Post($"{route}: a string instead of an object", path, Raw("\"hostile\""), Malformed, key: key);
        yield return Post($"{route}: a number instead of an object", path, Raw("42"), Malformed, key: key);
        yield return Post($"{route}: trailing garbage after the object", path, fx => Utf8(valid(fx).ToJsonString() + "}"), Malformed, key: key);
        yield return Post($"{route}: invalid UTF-8 in {text}", path, fx =>
        {
            var json = Encoding.UTF8.GetString(Edit(valid, (text, "\"@@bad@@\""))(fx)).Split("@@bad@@");
            return [.. Utf8(json[0]), 0xC3, 0x28, 0xFF, .. Utf8(json[1])];
        }, Malformed, key: key);
        yield return Post($"{route}: arrays nested 10,000 deep", path,
            _ => Utf8("{\"name\":" + new string('[', 10_000) + new string(']', 10_000) + "}"), Malformed, key: key);
        yield return Typed($"{route}: XML", path, "application/xml", Raw("<request><name>x</name></request>"), Unsupported, key);
        yield return Typed($"{route}: a form post", path, "application/x-www-form-urlencoded", Raw("name=x&weeks=8"), Unsupported, key);
    }

    private static IEnumerable<HostileCase> Programs()
    {
        const string path = "/api/programs";
        var t = ProgramBody;
        foreach (var c in Unreadable("programs", path, t, "name")) yield return c;

        // The JSON reads, but a value has the wrong type.
        yield return Post("programs: weeks as a string", path, Edit(t, ("weeks", "\"8\"")), Malformed, "weeks");
        yield return Post("programs: name as a number", path, Edit(t, ("name", "42")), Malformed, "name");
        yield return Post("programs: holidays as an object", path, Edit(t, ("holidays", """{"2027-03-10":true}""")), Malformed, "holidays");
        yield return Post("programs: rates as a string", path, Edit(t, ("rates", "\"150.00\"")), Malformed, "rates");
        yield return Post("programs: rates.session as a string", path, Edit(t, ("rates.session", "\"150.00\"")), Malformed, "session");
        yield return Post("programs: payments.time as a number", path, Edit(t, ("payments.time", "1700")), Malformed, "time");
        yield return Post("programs: sessionMinutes as a string", path, Edit(t, ("sessionMinutes", "\"60\"")), Malformed, "sessionMinutes");
        yield return Post("programs: startsOn as a number", path, Edit(t, ("startsOn", "20270301")), Malformed, "startsOn");
        yield return Post("programs: payments.weekday as a number", path, Edit(t, ("payments.weekday", "5")), Malformed, "weekday");

        // Required members null or missing.
        foreach (var field in new[] { "name", "timeZone", "startsOn", "weeks", "rates", "payments" })
            yield return Post($"programs: {field} null", path, Edit(t, (field, "null")), BadRequest, field);
        yield return Post("programs: rates.session null", path, Edit(t, ("rates.session", "null")), BadRequest, "session");
        yield return Post("programs: payments.weekday null", path, Edit(t, ("payments.weekday", "null")), BadRequest, "weekday");
        yield return Post("programs: payments.time null", path, Edit(t, ("payments.time", "null")), BadRequest, "time");
        yield return Post("programs: an empty object", path, Raw("{}"), BadRequest);
        yield return Post("programs: a null holiday", path, Edit(t, ("holidays", "[null]")), BadRequest, "holidays");

        // Numbers far out of range.
        yield return Post("programs: weeks 1e9", path, Edit(t, ("weeks", "1e9")), BadRequest, "weeks");
        yield return Post("programs: weeks 2147483648", path, Edit(t, ("weeks", "2147483648")), BadRequest, "weeks");
        yield return Post("programs: weeks 1.5", path, Edit(t, ("weeks", "1.5")), BadRequest, "weeks");
        yield return Post("programs: weeks -1", path, Edit(t, ("weeks", "-1")), Invalid, "weeks");
        yield return Post("programs: weeks 0", path, Edit(t, ("weeks", "0")), Invalid, "weeks");
        yield return Post("programs: weeks 105", path, Edit(t, ("weeks", "105")), Invalid, "weeks");
        yield return Post("programs: weeks 1000000000", path, Edit(t, ("weeks", "1000000000")), Invalid, "weeks");
        yield return Post("programs: sessionMinutes -60", path, Edit(t, ("sessionMinutes", "-60")), Invalid, "sessionMinutes");
        yield return Post("programs: sessionMinutes 2147483647", path, Edit(t, ("sessionMinutes", "2147483647")), Invalid, "sessionMinutes");

        // Money: two decimals at most, 0 .. 1,000,000.00, never rounded.
        yield return Post("programs: rates.session 150.001", path, Edit(t, ("rates.session", "150.001")), BadRequest, "session");
        yield return Post("programs: rates.session 1e-30 (not stored as 0)", path, Edit(t, ("rates.session", "1e-30")), BadRequest, "session");
        yield return Post("programs: rates.premium 0.001", path, Edit(t, ("rates.premium", "0.001")), BadRequest, "premium");
        yield return Post("programs: rates.session 1000000.01", path, Edit(t, ("rates.session", "1000000.01")), BadRequest, "session");
        yield return Post("programs: rates.signingBonus -0.01", path, Edit(t, ("rates.signingBonus", "-0.01")), BadRequest, "signingBonus");
        yield return Post("programs: rates.signingBonus 9999999999999999.99", path,
            Edit(t, ("rates.signingBonus", "9999999999999999.99")), BadRequest, "signingBonus");
        yield return Post("programs: rates.session 1e400", path, Edit(t, ("rates.session", "1e400")), BadRequest, "session");
        yield return Post("programs: rates.premium beyond decimal", path,
            Edit(t, ("rates.premium", "79228162514264337593543950336")), BadRequest, "premium");
        yield return Post("programs: rates.currency lower case", path, Edit(t, ("rates.currency", "\"usd\"")), Refused, "currency");

        // Dates at and past the limits, impossible dates, other formats.
        foreach (var date in new[] { "1999-12-31", "2100-01-01", "9999-12-31", "0001-01-01", "2027-02-30", "2027-02-29", "03/01/2027",
                     "2027-3-1", "20270301", "2027-03-01T00:00:00", "" })
            yield return Post($"programs: startsOn \"{date}\"", path, Edit(t, ("startsOn", Str(date))), BadRequest, "startsOn");
        yield return Post("programs: one week from 2099-12-27 ends past 2099-12-31", path,
            Edit(t, ("startsOn", "\"2099-12-27\""), ("weeks", "1")), Refused);
        yield return Post("programs: 104 weeks from 2098-06-02 end past 2099-12-31", path,
            Edit(t, ("startsOn", "\"2098-06-02\""), ("weeks", "104")), Refused);
        foreach (var date in new[] { "1999-12-31", "2100-01-01", "9999-12-31", "2027-02-30", "03/01/2027" })
            yield return Post($"programs: holiday \"{date}\"", path, Edit(t, ("holidays", $"[{Str(date)}]")), BadRequest, "holidays");
        yield return Post("programs: 367 holidays", path, Edit(t, ("holidays", Dates(367))), Invalid, "holidays");
        yield return Post("programs: 20,000 holidays", path, Edit(t, ("holidays", Dates(20_000))), Invalid, "holidays");

        // Zones, names.
        yield return Post("programs: an unknown zone", path, Edit(t, ("timeZone", "\"Mars/Olympus_Mons\"")), Invalid, "timeZone");
        yield return Post("programs: a zone that is a path", path, Edit(t, ("timeZone", "\"../../../../etc/passwd\"")), Invalid, "timeZone");
        yield return Post("programs: a zone with a NUL", path, Edit(t, ("timeZone", "\"America/Los_Angeles\\u0000\"")), Invalid, "timeZone");
        yield return Post("programs: a 10,000-character zone", path, Edit(t, ("timeZone", Str(new string('z', 10_000)))), Invalid, "timeZone");
        yield return Post("programs: a 201-character name", path, Edit(t, ("name", Str(new string('n', 201)))), Invalid, "name");
        yield return Post("programs: a 10,000-character name", path, Edit(t, ("name", Str(new string('n', 10_000)))), Invalid, "name");
        yield return Post("programs: an empty name", path, Edit(t, ("name", "\"\"")), Invalid, "name");
        yield return Post("programs: a blank name", path, Edit(t, ("name", "\"   \"")), Invalid, "name");
        yield return Post("programs: a name with a NUL", path, Edit(t, ("name", "\"North\\u0000South\"")), Invalid, "name");

        // Enum values by name only, one per string.
        foreach (var day in new[] { "Monday, Tuesday", "1", "7", "-1", "Funday" })
            yield return Post($"programs: payments.weekday \"{day}\"", path, Edit(t, ("payments.weekday", Str(day))), BadRequest, "weekday");

        // Local times are HH:mm.
        foreach (var time in new[] { "17:00:30", "17:00:00", "9:00", "24:00", "17:60", "5pm", "" })
            yield return Post($"programs: payments.time \"{time}\"", path, Edit(t, ("payments.time", Str(time))), BadRequest, "time");

        // Accepted: at the limits, and with members that try to set what the service decides.
        yield return Post("programs: one week from 2000-01-01 is accepted", path, Edit(t, ("startsOn", "\"2000-01-01\""), ("weeks", "1")),
            Answers(201), onAccepted: ProgramCreated("2000-01-07"));
        yield return Post("programs: one week to 2099-12-31 is accepted", path, Edit(t, ("startsOn", "\"2099-12-25\""), ("weeks", "1")),
            Answers(201), onAccepted: ProgramCreated("2099-12-31"));
        yield return Post("programs: id, endsOn, status and createdAt sent", path,
            Edit(t, ("id", "\"hostile-program-id\""), ("endsOn", "\"2099-12-31\""), ("status", "\"closed\""),
                ("createdAt", "\"2000-01-01T00:00:00Z\"")),
            AcceptedOr(201, BadRequest), onAccepted: async (fx, body, tally) =>
            {
                await ProgramCreated("2027-04-25")(fx, body, tally);
                tally.Check(!body.TryGetProperty("status", out var s) || s.GetString() != "closed", "the program took status 'closed'");
            });

        foreach (var c in new[] { Wrong("PUT", path), Wrong("DELETE", path), Wrong("PUT", "/api/programs/{program}"),
                     Wrong("DELETE", "/api/programs/{program}"), Wrong("PATCH", "/api/programs/{program}") })
            yield return c;
    }

    private static AcceptedCheck ProgramCreated(string endsOn) => async (fx, body, tally) =>
    {
        tally.Add("Programs", 1);
        var id = body.Id();
        tally.Check(!id.StartsWith("hostile", StringComparison.Ordinal), $"the program took the id '{id}'");
        tally.Check(body.Str("endsOn") == endsOn, $"program {id} answered endsOn {body.Str("endsOn")}, not {endsOn}");
        var stored = await fx.ScalarAsync<long>("SELECT COUNT(*) FROM \"Programs\" WHERE \"Id\" = @id", ("@id", id));
        tally.Check(stored == 1, $"program {id} is not stored under that id");
    };

    private static IEnumerable<HostileCase> Extend()
    {
        const string path = "/api/programs/{extendTarget}/extend";
        var t = ExtendBody;
        foreach (var c in Unreadable("extend", path, t)) yield return c;
        yield return Post("extend: weeks as a string", path, Edit(t, ("weeks", "\"2\"")), Malformed, "weeks");
        yield return Post("extend: weeks null", path, Edit(t, ("weeks", "null")), BadRequest, "weeks");
        yield return Post("extend: an empty object", path, Raw("{}"), BadRequest, "weeks");
        yield return Post("extend: weeks 0", path, Edit(t, ("weeks", "0")), Invalid, "weeks");
        yield return Post("extend: weeks -1", path, Edit(t, ("weeks", "-1")), Invalid, "weeks");
        yield return Post("extend: weeks 1e9", path, Edit(t, ("weeks", "1e9")), BadRequest, "weeks");
        yield return Post("extend: weeks 2147483648", path, Edit(t, ("weeks", "2147483648")), BadRequest, "weeks");
        yield return Post("extend: weeks 1.5", path, Edit(t, ("weeks", "1.5")), BadRequest, "weeks");
        yield return Post("extend: weeks 2147483647", path, Edit(t, ("weeks", "2147483647")), Refused, "weeks");
        yield return Post("extend: a 104-week program by one more week", "/api/programs/{longProgram}/extend", Raw("""{"weeks":1}"""), Refused);
        yield return Post("extend: a program ending 2099-12-27 by one week", "/api/programs/{lateProgram}/extend", Raw("""{"weeks":1}"""), Refused);
        yield return Post("extend: a provider id as the program", "/api/programs/{provider}/extend", Valid(t), NotFound);
        yield return Post("extend: a commitment id as the program", "/api/programs/{commitment}/extend", Valid(t), NotFound);
        yield return Post("extend: an unknown program", "/api/programs/nope/extend", Valid(t), NotFound);
        yield return Wrong("GET", path);
    }

    private static IEnumerable<HostileCase> Providers()
    {
        const string path = "/api/providers";
        var t = ProviderBody;
        foreach (var c in Unreadable("providers", path, t, "name")) yield return c;
        yield return Post("providers: a valid body padded past 1 MB", path, fx =>
        {
            var text = t(fx).ToJsonString();
            return Utf8("{" + new string(' ', 1_100_000) + text[1..]);
        }, TooLarge);

        yield return Post("providers: npi as a number", path, Edit(t, ("npi", "1234567893")), Malformed, "npi");
        yield return Post("providers: name as a number", path, Edit(t, ("name", "42")), Malformed, "name");
        yield return Post("providers: languages as a string", path, Edit(t, ("languages", "\"en\"")), Malformed, "languages");
        yield return Post("providers: modalities as an object", path, Edit(t, ("modalities", """{"video":true}""")), Malformed, "modalities");
        yield return Post("providers: a language as a number", path, Edit(t, ("languages", "[1]")), Malformed, "languages");

        foreach (var field in new[] { "name", "npi", "licenseType", "modalities" })
            yield return Post($"providers: {field} null", path, Edit(t, (field, "null")), BadRequest, field);
        yield return Post("providers: a null language", path, Edit(t, ("languages", "[null]")), BadRequest, "languages");
        yield return Post("providers: an empty object", path, Raw("{}"), BadRequest);

        yield return Post("providers: a 201-character name", path, Edit(t, ("name", Str(new string('n', 201)))), Invalid, "name");
        yield return Post("providers: a 10,000-character name", path, Edit(t, ("name", Str(new string('n', 10_000)))), Invalid, "name");
        yield return Post("providers: a 10,000-character email", path, Edit(t, ("email", Str(new string('e', 9_988) + "@example.org"))), Invalid, "email");
        yield return Post("providers: a 10,000-character region", path, Edit(t, ("region", Str(new string('r', 10_000)))), Invalid, "region");
        yield return Post("providers: a 10,000-character license number", path,
            Edit(t, ("licenseNumber", Str(new string('l', 10_000)))), Invalid, "licenseNumber");
        yield return Post("providers: 21 languages", path, Edit(t, ("languages", Array(21, i => Str($"l{i}")))), Invalid, "languages");
        yield return Post("providers: 100,000 languages", path, Edit(t, ("languages", Array(100_000, _ => "\"en\""))), Invalid, "languages");
        yield return Post("providers: an empty language", path, Edit(t, ("languages", "[\"\"]")), Invalid, "languages");
        yield return Post("providers: a 10,000-character language", path, Edit(t, ("languages", $"[{Str(new string('l', 10_000))}]")), Invalid, "languages");
        yield return Post("providers: an unknown modality", path, Edit(t, ("modalities", "[\"telepathy\"]")), Invalid, "modalities");
        yield return Post("providers: two modalities in one string", path, Edit(t, ("modalities", "[\"video, phone\"]")), BadRequest, "modalities");
        yield return Post("providers: no modalities", path, Edit(t, ("modalities", "[]")), Invalid, "modalities");
        yield return Post("providers: an unknown license type", path, Edit(t, ("licenseType", "\"Witch\"")), Invalid, "licenseType");
        yield return Post("providers: two license types in one string", path, Edit(t, ("licenseType", "\"LMFT, LCSW\"")), BadRequest, "licenseType");
        yield return Post("providers: an NPI with a wrong check digit", path, Edit(t, ("npi", "\"1234567890\"")), Invalid, "npi");
        yield return Post("providers: a five-digit NPI", path, Edit(t, ("npi", "\"12345\"")), Invalid, "npi");
        yield return Post("providers: an NPI in full-width digits", path, Edit(t, ("npi", "\"１２３４５６７８９３\"")), Invalid, "npi");
        yield return Post("providers: an email without @", path, Edit(t, ("email", "\"not-an-email\"")), Invalid, "email");
        yield return Post("providers: an NPI already enrolled", path, Edit(t, ("npi", "\"{providerNpi}\"")), Problem(409, "duplicate-npi"));

        yield return Post("providers: id, status and createdAt sent", path,
            Edit(t, ("id", "\"hostile-provider-id\""), ("status", "\"inactive\""), ("createdAt", "\"2000-01-01T00:00:00Z\"")),
            AcceptedOr(201, BadRequest), onAccepted: async (fx, body, tally) =>
            {
                tally.Add("Providers", 1);
                var id = body.Id();
                tally.Check(id != "hostile-provider-id", "the provider took the id it was sent");
                var status = await fx.ScalarAsync<string>("SELECT \"Status\" FROM \"Providers\" WHERE \"Id\" = @id", ("@id", id));
                tally.Check(status == "active", $"provider {id} is stored as '{status}'");
            });

        foreach (var c in new[] { Wrong("PUT", path), Wrong("DELETE", path), Wrong("DELETE", "/api/providers/{provider}"),
                     Wrong("PUT", "/api/providers/{provider}") })
            yield return c;
    }

    private static IEnumerable<HostileCase> ProviderList()
    {
        const string path = "/api/providers";
        yield return Get("provider list: page=0", $"{path}?page=0", Invalid, "page");
        yield return Get("provider list: page=-1", $"{path}?page=-1", Invalid, "page");
        yield return Get("provider list: page=2147483647", $"{path}?page=2147483647", Invalid);
        yield return Get("provider list: pageSize=501", $"{path}?pageSize=501", Invalid, "pageSize");
        yield return Get("provider list: pageSize=0", $"{path}?pageSize=0", Invalid, "pageSize");
        yield return Get("provider list: pageSize=-5", $"{path}?pageSize=-5", Invalid, "pageSize");
        yield return Get("provider list: page=20001 of 50 is past 1,000,000 rows", $"{path}?page=20001", Invalid);
        yield return Get("provider list: page=2001 of 500 is past 1,000,000 rows", $"{path}?page=2001&pageSize=500", Invalid);
        yield return Get("provider list: page=abc", $"{path}?page=abc", Malformed, "page");
        yield return Get("provider list: page=1.5", $"{path}?page=1.5", Malformed, "page");
        yield return Get("provider list: page=2147483648", $"{path}?page=2147483648", BadRequest, "page");
        yield return Get("provider list: pageSize=1e3", $"{path}?pageSize=1e3", BadRequest, "pageSize");
        yield return Get("provider list: page=2000 of 500 is exactly 1,000,000 rows", $"{path}?page=2000&pageSize=500", Answers(200));
    }

    private static IEnumerable<HostileCase> Commitments()
    {
        const string path = "/api/programs/{program}/commitments";
        var t = CommitmentBody;
        foreach (var c in Unreadable("commitments", path, t, "providerId")) yield return c;

        yield return Post("commitments: slotsPerDay as a string", path, Edit(t, ("slotsPerDay", "\"6\"")), Malformed, "slotsPerDay");
        yield return Post("commitments: weeks as a string", path, Edit(t, ("weeks", "\"8\"")), Malformed, "weeks");
        yield return Post("commitments: weekdays as a string", path, Edit(t, ("weekdays", "\"Monday\"")), Malformed, "weekdays");
        yield return Post("commitments: weekdays as an object", path, Edit(t, ("weekdays", """{"Monday":true}""")), Malformed, "weekdays");
        yield return Post("commitments: providerId as a number", path, Edit(t, ("providerId", "42")), Malformed, "providerId");
        yield return Post("commitments: excludedDates as a string", path, Edit(t, ("excludedDates", "\"2027-03-03\"")), Malformed, "excludedDates");
        yield return Post("commitments: a weekday as a number", path, Edit(t, ("weekdays", "[1]")), Malformed, "weekdays");
        yield return Post("commitments: firstSlotAt as a number", path, Edit(t, ("firstSlotAt", "900")), Malformed, "firstSlotAt");

        foreach (var field in new[] { "providerId", "slotsPerDay", "weekdays", "firstSlotAt", "startsOn", "weeks" })
            yield return Post($"commitments: {field} null", path, Edit(t, (field, "null")), BadRequest, field);
        yield return Post("commitments: a null weekday", path, Edit(t, ("weekdays", "[null]")), BadRequest, "weekdays");
        yield return Post("commitments: a null excluded date", path, Edit(t, ("excludedDates", "[null]")), BadRequest, "excludedDates");
        yield return Post("commitments: an empty object", path, Raw("{}"), BadRequest);

        yield return Post("commitments: slotsPerDay -1", path, Edit(t, ("slotsPerDay", "-1")), Invalid, "slotsPerDay");
        yield return Post("commitments: slotsPerDay 0", path, Edit(t, ("slotsPerDay", "0")), Invalid, "slotsPerDay");
        yield return Post("commitments: slotsPerDay 13", path, Edit(t, ("slotsPerDay", "13")), Invalid, "slotsPerDay");
        yield return Post("commitments: slotsPerDay 2147483648", path, Edit(t, ("slotsPerDay", "2147483648")), BadRequest, "slotsPerDay");
        yield return Post("commitments: slotsPerDay 1e9", path, Edit(t, ("slotsPerDay", "1e9")), BadRequest, "slotsPerDay");
        yield return Post("commitments: weeks 1e9", path, Edit(t, ("weeks", "1e9")), BadRequest, "weeks");
        yield return Post("commitments: weeks 105", path, Edit(t, ("weeks", "105")), Invalid, "weeks");
        yield return Post("commitments: weeks 0", path, Edit(t, ("weeks", "0")), Invalid, "weeks");
        yield return Post("commitments: weeks -1", path, Edit(t, ("weeks", "-1")), Invalid, "weeks");

        yield return Post("commitments: no weekdays", path, Edit(t, ("weekdays", "[]")), Invalid, "weekdays");
        foreach (var day in new[] { "Monday, Tuesday", "1", "7", "Funday" })
            yield return Post($"commitments: weekday \"{day}\"", path, Edit(t, ("weekdays", $"[{Str(day)}]")), BadRequest, "weekdays");

        foreach (var time in new[] { "09:00:30", "9:00", "24:00", "25:00", "09:00 AM" })
            yield return Post($"commitments: firstSlotAt \"{time}\"", path, Edit(t, ("firstSlotAt", Str(time))), BadRequest, "firstSlotAt");
        yield return Post("commitments: two slots from 23:00 end after midnight", path,
            Edit(t, ("firstSlotAt", "\"23:00\""), ("slotsPerDay", "2")), Invalid);

        foreach (var date in new[] { "1999-12-31", "2100-01-01", "9999-12-31", "2027-02-30", "03/01/2027", "2027-3-1", "20270301" })
            yield return Post($"commitments: startsOn \"{date}\"", path, Edit(t, ("startsOn", Str(date))), BadRequest, "startsOn");
        yield return Post("commitments: 104 weeks in an 8-week program", path, Edit(t, ("weeks", "104")), Problem(422, "outside-program"));
        yield return Post("commitments: a week starting in the past, before the program", path,
            Edit(t, ("startsOn", "\"2027-02-22\""), ("weeks", "1")), Refused);
        yield return Post("commitments: two weeks from 2099-12-21 end past 2099-12-31", "/api/programs/{lateProgram}/commitments",
            Edit(t, ("startsOn", "\"2099-12-21\""), ("weeks", "2")), Refused);

        yield return Post("commitments: 367 excluded dates", path, Edit(t, ("excludedDates", Dates(367))), Invalid, "excludedDates");
        yield return Post("commitments: 50,000 excluded dates", path, Edit(t, ("excludedDates", Dates(50_000))), Invalid, "excludedDates");
        foreach (var date in new[] { "2027-02-30", "9999-12-31", "1999-12-31" })
            yield return Post($"commitments: excluded date \"{date}\"", path, Edit(t, ("excludedDates", $"[{Str(date)}]")), BadRequest, "excludedDates");

        yield return Post("commitments: a program id as the provider", path, Edit(t, ("providerId", "\"{program}\"")), NotFound);
        yield return Post("commitments: a commitment id as the provider", path, Edit(t, ("providerId", "\"{commitment}\"")), NotFound);
        yield return Post("commitments: an empty providerId", path, Edit(t, ("providerId", "\"\"")), Invalid, "providerId");
        yield return Post("commitments: a 10,000-character providerId", path, Edit(t, ("providerId", Str(new string('p', 10_000)))), Refused);
        yield return Post("commitments: a provider id as the program", "/api/programs/{provider}/commitments", Valid(t), NotFound);
        yield return Post("commitments: a commitment id as the program", "/api/programs/{commitment}/commitments", Valid(t), NotFound);
        yield return Post("commitments: an unknown program", "/api/programs/nope/commitments", Valid(t), NotFound);
        yield return Post("commitments: a provider already committed", path, Edit(t, ("providerId", "\"{provider}\"")),
            Problem(409, "already-committed"));

        yield return Post("commitments: id, status, totalSlots and endsOn sent", path,
            Edit(t, ("providerId", "\"{extraProvider}\""), ("id", "\"hostile-commitment-id\""), ("status", "\"withdrawn\""),
                ("totalSlots", "1"), ("endsOn", "\"2027-03-07\""), ("withdrawnEffectiveOn", "\"2027-03-02\"")),
            AcceptedOr(201, BadRequest), onAccepted: async (fx, body, tally) =>
            {
                var id = body.Id();
                tally.Add("Commitments", 1);
                tally.Add("Payments", await fx.ScalarAsync<long>("SELECT COUNT(*) FROM \"Payments\" WHERE \"CommitmentId\" = @id", ("@id", id)));
                tally.Check(id != "hostile-commitment-id", "the commitment took the id it was sent");
                var status = await fx.ScalarAsync<string>("SELECT \"Status\" FROM \"Commitments\" WHERE \"Id\" = @id", ("@id", id));
                var total = await fx.ScalarAsync<long>("SELECT \"TotalSlots\" FROM \"Commitments\" WHERE \"Id\" = @id", ("@id", id));
                var endsOn = await fx.ScalarAsync<string>("SELECT \"EndsOn\" FROM \"Commitments\" WHERE \"Id\" = @id", ("@id", id));
                tally.Check((status, total, endsOn) == ("active", 240, "2027-04-25"),
                    $"commitment {id} is stored as ({status}, {total} slots, ends {endsOn}), not (active, 240, 2027-04-25)");
            });

        yield return Wrong("PUT", path);
        yield return Wrong("DELETE", path);
    }

    private static IEnumerable<HostileCase> Withdraw()
    {
        const string path = "/api/commitments/{withdrawTarget}/withdraw";
        var t = WithdrawBody;
        foreach (var c in Unreadable("withdraw", path, t)) yield return c;
        yield return Post("withdraw: effectiveOn as a number", path, Edit(t, ("effectiveOn", "20270315")), Malformed, "effectiveOn");
        yield return Post("withdraw: reason as a number", path, Edit(t, ("reason", "42")), Malformed, "reason");
        yield return Post("withdraw: effectiveOn null", path, Edit(t, ("effectiveOn", "null")), BadRequest, "effectiveOn");
        yield return Post("withdraw: reason null", path, Edit(t, ("reason", "null")), BadRequest, "reason");
        yield return Post("withdraw: an empty object", path, Raw("{}"), BadRequest);
        foreach (var date in new[] { "1999-12-31", "2100-01-01", "9999-12-31", "2027-02-30", "03/15/2027", "2027-3-15", "20270315" })
            yield return Post($"withdraw: effectiveOn \"{date}\"", path, Edit(t, ("effectiveOn", Str(date))), BadRequest, "effectiveOn");
        yield return Post("withdraw: a 10,000-character reason", path, Edit(t, ("reason", Str(new string('r', 10_000)))), Invalid, "reason");
        yield return Post("withdraw: an empty reason", path, Edit(t, ("reason", "\"\"")), Invalid, "reason");
        yield return Post("withdraw: effective in the past", path, Edit(t, ("effectiveOn", "\"2027-01-04\"")), Refused);
        yield return Post("withdraw: an appointment id as the commitment", "/api/commitments/{appointment}/withdraw", Valid(t), NotFound);
        yield return Post("withdraw: a program id as the commitment", "/api/commitments/{program}/withdraw", Valid(t), NotFound);
        yield return Post("withdraw: an unknown commitment", "/api/commitments/nope/withdraw", Valid(t), NotFound);
        yield return Get("commitments: a program id as the commitment", "/api/commitments/{program}", NotFound);
        yield return Get("commitments: an appointment id as the commitment", "/api/commitments/{appointment}", NotFound);
        yield return Wrong("GET", path);
        yield return Wrong("DELETE", "/api/commitments/{commitment}");
        yield return Wrong("PUT", "/api/commitments/{commitment}");

        yield return Post("withdraw: status, totalSlots, endsOn and displacedAppointments sent", "/api/commitments/{spareCommitment}/withdraw",
            Edit(t, ("effectiveOn", "\"2027-04-05\""), ("status", "\"active\""), ("totalSlots", "999"), ("endsOn", "\"2099-12-31\""),
                ("displacedAppointments", "[\"{appointment}\"]")),
            AcceptedOr(200, BadRequest), onAccepted: async (fx, body, tally) =>
            {
                var id = fx["spareCommitment"];
                var status = await fx.ScalarAsync<string>("SELECT \"Status\" FROM \"Commitments\" WHERE \"Id\" = @id", ("@id", id));
                var total = await fx.ScalarAsync<long>("SELECT \"TotalSlots\" FROM \"Commitments\" WHERE \"Id\" = @id", ("@id", id));
                var endsOn = await fx.ScalarAsync<string>("SELECT \"EndsOn\" FROM \"Commitments\" WHERE \"Id\" = @id", ("@id", id));
                tally.Check((status, total, endsOn) == ("withdrawn", 150, "2027-04-04"),
                    $"the withdrawn commitment is stored as ({status}, {total} slots, ends {endsOn}), not (withdrawn, 150, 2027-04-04)");
                var other = await fx.ScalarAsync<string>("SELECT \"Status\" FROM \"Appointments\" WHERE \"Id\" = @id", ("@id", fx["appointment"]));
                tally.Check(other == "booked", $"another commitment's appointment became '{other}'");
            });
    }

    private static IEnumerable<HostileCase> Bookings()
    {
        const string path = "/api/appointments";
        var t = BookingBody;
        foreach (var c in Unreadable("appointments", path, t, "memberRef")) yield return c;

        yield return Post("appointments: start as a number", path, Edit(t, ("start", "1803970800")), Malformed, "start");
        yield return Post("appointments: providerId as a number", path, Edit(t, ("providerId", "42")), Malformed, "providerId");
        yield return Post("appointments: kind as a number", path, Edit(t, ("kind", "1")), Malformed, "kind");
        yield return Post("appointments: modality as a number", path, Edit(t, ("modality", "1")), Malformed, "modality");
        yield return Post("appointments: memberRef as a number", path, Edit(t, ("memberRef", "123")), Malformed, "memberRef");

        foreach (var field in new[] { "providerId", "start", "memberRef", "kind" })
            yield return Post($"appointments: {field} null", path, Edit(t, (field, "null")), BadRequest, field);
        yield return Post("appointments: an empty object", path, Raw("{}"), BadRequest);

        foreach (var start in new[] { "2027-03-04T09:00:00", "2027-03-04", "tomorrow", "2027-02-30T09:00:00-08:00",
                     "9999-12-31T23:59:59+00:00", "0001-01-01T00:00:00Z", "2027-03-04T09:00:00+25:00" })
            yield return Post($"appointments: start \"{start}\"", path, Edit(t, ("start", Str(start))), BadRequest, "start");

        yield return Post("appointments: a 10,000-character memberRef", path, Edit(t, ("memberRef", Str(new string('m', 10_000)))), Invalid, "memberRef");
        yield return Post("appointments: an empty memberRef", path, Edit(t, ("memberRef", "\"\"")), Invalid, "memberRef");
        yield return Post("appointments: a memberRef with a NUL", path, Edit(t, ("memberRef", "\"M-1\\u0000\"")), Invalid, "memberRef");
        yield return Post("appointments: a providerId with a NUL", path, Edit(t, ("providerId", "\"p\\u0000\"")), Invalid, "providerId");
        yield return Post("appointments: an unknown kind", path, Edit(t, ("kind", "\"walk-in\"")), Invalid, "kind");
        yield return Post("appointments: two kinds in one string", path, Edit(t, ("kind", "\"intake, follow-up\"")), BadRequest, "kind");
        yield return Post("appointments: kind \"1\"", path, Edit(t, ("kind", "\"1\"")), BadRequest, "kind");
        yield return Post("appointments: an unknown modality", path, Edit(t, ("modality", "\"carrier-pigeon\"")), Invalid, "modality");
        yield return Post("appointments: two modalities in one string", path, Edit(t, ("modality", "\"video, phone\"")), BadRequest, "modality");
        yield return Post("appointments: a follow-up without previousVisitOn", path, Edit(t, ("kind", "\"follow-up\"")), Invalid, "previousVisitOn");
        foreach (var date in new[] { "2027-02-30", "9999-12-31", "1999-12-31" })
            yield return Post($"appointments: previousVisitOn \"{date}\"", path,
                Edit(t, ("kind", "\"follow-up\""), ("previousVisitOn", Str(date))), BadRequest, "previousVisitOn");

        yield return Post("appointments: a program id as the provider", path, Edit(t, ("providerId", "\"{program}\"")), NotFound);
        yield return Post("appointments: a commitment id as the provider", path, Edit(t, ("providerId", "\"{commitment}\"")), NotFound);
        yield return Post("appointments: an appointment id as the provider", path, Edit(t, ("providerId", "\"{appointment}\"")), NotFound);
        yield return Post("appointments: a provider without a commitment", path,
            Edit(t, ("providerId", "\"{freeProvider}\""), ("start", "\"2027-03-07T09:00:00-08:00\"")), Problem(422, "not-a-committed-slot"));
        yield return Post("appointments: half past, not a slot", path, Edit(t, ("start", "\"2027-03-04T09:30:00-08:00\"")),
            Problem(422, "not-a-committed-slot"));
        yield return Post("appointments: a slot already booked", path, Edit(t, ("start", "\"{appointmentStart}\"")), Problem(409, "slot-taken"));
        yield return Post("appointments: a start in the past", path, Edit(t, ("start", "\"2027-02-01T09:00:00-08:00\"")), Refused);

        // With an Idempotency-Key: the key changes nothing about what is refused.
        yield return Post("appointments with a key: truncated JSON", path, fx => Utf8(t(fx).ToJsonString()[..40]), Malformed, key: "hostile-key-1");
        yield return Post("appointments with a key: the JSON literal null", path, Raw("null"), Malformed, key: "hostile-key-2");
        yield return Post("appointments with a key: an empty memberRef", path, Edit(t, ("memberRef", "\"\"")), Invalid, "memberRef", key: "hostile-key-3");
        yield return Post("appointments with a key: start \"9999-12-31T23:59:59+00:00\"", path,
            Edit(t, ("start", "\"9999-12-31T23:59:59+00:00\"")), BadRequest, "start", key: "hostile-key-4");
        yield return Typed("appointments with a key: valid JSON sent as text/plain", path, "text/plain", Valid(t), Unsupported, "hostile-key-5");
        yield return Post("appointments with a key: a JSON body over 1 MB", path, Padded(1_100_000), TooLarge, key: "hostile-key-6");
        yield return Post("appointments with a key: an empty key and a malformed body", path, Raw("{\"providerId\":"), Malformed, key: "");
        yield return Post("appointments with a key: the fixture's key with another body", path,
            fx => Utf8(fx.KeyedBookingBody.Replace("M-KEYED", "M-OTHER", StringComparison.Ordinal)), Problem(422, "idempotency-key-reused"),
            key: HostileFixture.FixtureKey);
        yield return Post("appointments with a key: the fixture's key and body again", path, fx => Utf8(fx.KeyedBookingBody), Answers(201),
            key: HostileFixture.FixtureKey, onAccepted: (fx, body, tally) =>
            {
                tally.Check(body.Id() == fx["keyed"], $"the replay answered appointment {body.Id()}, not {fx["keyed"]}");
                return Task.CompletedTask;
            });
        yield return Post("appointments with a key: a 10,000-character key", path,
            Edit(t, ("start", "\"2027-03-03T10:00:00-08:00\"")), AcceptedOr(201, Refused), key: new string('k', 10_000),
            onAccepted: (_, _, tally) =>
            {
                tally.Add("Appointments", 1);
                tally.Add("IdempotencyRecords", 1);
                return Task.CompletedTask;
            });

        yield return Post("appointments: id, status, end, commitmentId and timelyAccessMet sent", path,
            Edit(t, ("start", "\"2027-03-03T09:00:00-08:00\""), ("id", "\"hostile-appointment-id\""), ("status", "\"cancelled\""),
                ("end", "\"2027-03-03T17:00:00-08:00\""), ("commitmentId", "\"{spareCommitment}\""), ("programId", "\"{lateProgram}\""),
                ("followUpDueBy", "\"2027-03-01\""), ("timelyAccessMet", "true")),
            AcceptedOr(201, BadRequest), onAccepted: async (fx, body, tally) =>
            {
                tally.Add("Appointments", 1);
                var id = body.Id();
                tally.Check(id != "hostile-appointment-id", "the appointment took the id it was sent");
                tally.Check(body.Str("end") == "2027-03-03T10:00:00-08:00", $"the appointment answered end {body.Str("end")}");
                var row = await fx.ScalarAsync<string>(
                    "SELECT \"Status\" || '|' || \"CommitmentId\" || '|' || \"ProgramId\" || '|' || COALESCE(CAST(\"TimelyAccessMet\" AS TEXT), 'null') || '|' || COALESCE(CAST(\"FollowUpDueBy\" AS TEXT), 'null') FROM \"Appointments\" WHERE \"Id\" = @id",
                    ("id", id));
                var expected = $"booked|{fx["commitment"]}|{fx["program"]}|null|null";
                tally.Check(row == expected, $"appointment {id} is stored as {row}, not {expected}");
            });

        yield return Wrong("PUT", path);
        yield return Wrong("DELETE", "/api/appointments/{appointment}");
        yield return Wrong("PATCH", "/api/appointments/{appointment}");
        yield return Get("appointments: a commitment id as the appointment", "/api/appointments/{commitment}", NotFound);
        yield return Get("appointments: a batch id as the appointment", "/api/appointments/{batch}", NotFound);
    }

    private static AcceptedCheck StatusBecomes(string appointment, string status) => async (fx, _, tally) =>
    {
        var stored = await fx.ScalarAsync<string>("SELECT \"Status\" FROM \"Appointments\" WHERE \"Id\" = @id", ("@id", fx[appointment]));
        tally.Check(stored == status, $"appointment {appointment} is stored as '{stored}', not '{status}'");
    };

    private static IEnumerable<HostileCase> Cancel()
    {
        const string path = "/api/appointments/{target}/cancel";
        var t = CancelBody;
        foreach (var c in Unreadable("cancel", path, t)) yield return c;
        yield return Post("cancel: initiatedBy \"alien\"", path, Edit(t, ("initiatedBy", "\"alien\"")), Invalid, "initiatedBy");
        yield return Post("cancel: two initiators in one string", path, Edit(t, ("initiatedBy", "\"member, plan\"")), BadRequest, "initiatedBy");
        yield return Post("cancel: initiatedBy as a number", path, Edit(t, ("initiatedBy", "1")), Malformed, "initiatedBy");
        yield return Post("cancel: initiatedBy null", path, Edit(t, ("initiatedBy", "null")), BadRequest, "initiatedBy");
        yield return Post("cancel: reason as a number", path, Edit(t, ("reason", "42")), Malformed, "reason");
        yield return Post("cancel: a 10,000-character reason", path, Edit(t, ("reason", Str(new string('r', 10_000)))), Invalid, "reason");
        yield return Post("cancel: an appointment already cancelled", "/api/appointments/{cancelled}/cancel", Valid(t),
            Problem(409, "invalid-transition"));
        yield return Post("cancel: a commitment id as the appointment", "/api/appointments/{commitment}/cancel", Valid(t), NotFound);
        yield return Post("cancel: an unknown appointment", "/api/appointments/nope/cancel", Valid(t), NotFound);
        yield return Wrong("GET", path);
        yield return Post("cancel: status and heldSlot sent", "/api/appointments/{toCancel}/cancel",
            Edit(t, ("status", "\"booked\""), ("heldSlot", "\"2027-03-01T11:00:00-08:00\""), ("id", "\"hostile-appointment-id\"")),
            AcceptedOr(200, BadRequest), onAccepted: StatusBecomes("toCancel", "cancelled"));
    }

    private static IEnumerable<HostileCase> CompleteAndNoShow()
    {
        yield return Post("complete: a provider id as the appointment", "/api/appointments/{provider}/complete", null, NotFound);
        yield return Post("complete: a batch id as the appointment", "/api/appointments/{batch}/complete", null, NotFound);
        yield return Post("complete: an appointment already cancelled", "/api/appointments/{cancelled}/complete", null,
            Problem(409, "invalid-transition"));
        yield return Post("no-show: a program id as the appointment", "/api/appointments/{program}/no-show", null, NotFound);
        yield return Post("no-show: an unknown appointment", "/api/appointments/nope/no-show", null, NotFound);
        yield return Post("no-show: an appointment already cancelled", "/api/appointments/{cancelled}/no-show", null,
            Problem(409, "invalid-transition"));
        yield return Wrong("GET", "/api/appointments/{appointment}/complete");
        yield return Wrong("PUT", "/api/appointments/{appointment}/no-show");
        yield return Post("complete: a body that asks for another status", "/api/appointments/{toComplete}/complete",
            Raw("""{"status":"cancelled","completedAt":"2000-01-01T00:00:00Z"}"""), AcceptedOr(200, Refused),
            onAccepted: StatusBecomes("toComplete", "completed"));
        yield return Post("no-show: a body that asks for another status", "/api/appointments/{toNoShow}/no-show",
            Raw("""{"status":"completed"}"""), AcceptedOr(200, Refused), onAccepted: StatusBecomes("toNoShow", "no-show"));
    }

    private static IEnumerable<HostileCase> Reschedule()
    {
        const string path = "/api/appointments/{target}/reschedule";
        var t = RescheduleBody;
        foreach (var c in Unreadable("reschedule", path, t)) yield return c;
        yield return Post("reschedule: start as a number", path, Edit(t, ("start", "12345")), Malformed, "start");
        yield return Post("reschedule: providerId as a number", path, Edit(t, ("providerId", "42")), Malformed, "providerId");
        yield return Post("reschedule: start null", path, Edit(t, ("start", "null")), BadRequest, "start");
        yield return Post("reschedule: providerId null", path, Edit(t, ("providerId", "null")), BadRequest, "providerId");
        yield return Post("reschedule: an empty object", path, Raw("{}"), BadRequest);
        foreach (var start in new[] { "2027-03-04T10:00:00", "2027-02-30T10:00:00-08:00", "9999-12-31T09:00:00-08:00" })
            yield return Post($"reschedule: start \"{start}\"", path, Edit(t, ("start", Str(start))), BadRequest, "start");
        yield return Post("reschedule: a program id as the provider", path, Edit(t, ("providerId", "\"{program}\"")), NotFound);
        yield return Post("reschedule: a commitment id as the appointment", "/api/appointments/{commitment}/reschedule", Valid(t), NotFound);
        yield return Post("reschedule: an appointment already cancelled", "/api/appointments/{cancelled}/reschedule", Valid(t),
            Problem(409, "invalid-transition"));
        yield return Post("reschedule: onto a slot already booked", "/api/appointments/{toReschedule}/reschedule",
            Edit(t, ("start", "\"{appointmentStart}\"")), Problem(409, "slot-taken"));
        yield return Post("reschedule: onto a Sunday, not a slot", "/api/appointments/{toReschedule}/reschedule",
            Edit(t, ("start", "\"2027-03-07T09:00:00-08:00\"")), Problem(422, "not-a-committed-slot"));
        yield return Wrong("GET", path);
        yield return Post("reschedule: memberRef, kind, status and id sent", "/api/appointments/{toReschedule}/reschedule",
            Edit(t, ("start", "\"2027-03-03T11:00:00-08:00\""), ("memberRef", "\"M-HIJACK\""), ("kind", "\"follow-up\""),
                ("status", "\"completed\""), ("id", "\"hostile-appointment-2\"")),
            AcceptedOr(201, BadRequest), onAccepted: async (fx, body, tally) =>
            {
                tally.Add("Appointments", 1);
                var id = body.Id();
                var row = await fx.ScalarAsync<string>("SELECT \"Status\" || '|' || \"MemberRef\" || '|' || \"Kind\" FROM \"Appointments\" WHERE \"Id\" = @id", ("@id", id));
                tally.Check(row == "booked|M-000123|intake", $"the new appointment {id} is stored as {row}, not booked|M-000123|intake");
                await StatusBecomes("toReschedule", "cancelled")(fx, body, tally);
            });
    }

    private static IEnumerable<HostileCase> PaymentRuns()
    {
        yield return Post("payment run: a batch id as the program", "/api/programs/{batch}/payment-runs", null, NotFound);
        yield return Post("payment run: a provider id as the program", "/api/programs/{provider}/payment-runs", null, NotFound);
        yield return Post("payment run: an unknown program", "/api/programs/nope/payment-runs", null, NotFound);
        yield return Wrong("GET", "/api/programs/{program}/payment-runs");
        yield return Wrong("DELETE", "/api/programs/{program}/payment-runs");
        yield return Post("payment run: a body that names an amount and a batch", "/api/programs/{program}/payment-runs",
            Raw("""{"amount":1000000,"released":99,"batchId":"hostile-batch-id"}"""), AcceptedOr(200, Refused),
            onAccepted: (_, body, tally) =>
            {
                if (body.GetProperty("batchId").GetString() is { } batch)
                {
                    tally.Check(batch != "hostile-batch-id", "the run took the batch id it was sent");
                    tally.Add("PaymentBatches", 1);
                    tally.Add("PaymentReleases", body.Int("released"));
                }
                return Task.CompletedTask;
            });
    }

    private static IEnumerable<HostileCase> ProviderSlots()
    {
        const string path = "/api/providers/{provider}/slots";
        foreach (var from in new[] { "2027-02-30", "03/01/2027", "20270301", "2027-3-1", "abc", "9999-12-31", "0001-01-01" })
            yield return Get($"provider slots: from={from}", $"{path}?from={Uri.EscapeDataString(from)}", BadRequest, "from");
        yield return Get("provider slots: from=to=9999-12-31", $"{path}?from=9999-12-31&to=9999-12-31", BadRequest, "from");
        yield return Get("provider slots: 1999-12-31 to 2000-01-01", $"{path}?from=1999-12-31&to=2000-01-01", BadRequest, "from");
        yield return Get("provider slots: to=2100-01-01", $"{path}?to=2100-01-01", BadRequest, "to");
        yield return Get("provider slots: a window of 368 days", $"{path}?from=2027-03-01&to=2028-03-02", Invalid);
        yield return Get("provider slots: a window to 2099-12-31", $"{path}?from=2027-03-01&to=2099-12-31", Invalid);
        yield return Get("provider slots: to before from", $"{path}?from=2027-03-10&to=2027-03-01", Invalid);
        yield return Get("provider slots: a window of 366 days", $"{path}?from=2027-03-01&to=2028-02-29", Answers(200));
        yield return Get("provider slots: a program id as the provider", "/api/providers/{program}/slots", NotFound);
        yield return Get("provider slots: a commitment id as the provider", "/api/providers/{commitment}/slots", NotFound);
        yield return Get("provider slots: an unknown provider", "/api/providers/nope/slots?from=2027-03-01&to=2027-03-07", NotFound);
        yield return Wrong("POST", path);
    }

    private static IEnumerable<HostileCase> ProgramSlots()
    {
        const string path = "/api/programs/{program}/slots";
        foreach (var from in new[] { "2027-02-30", "03/01/2027", "20270301", "9999-12-31" })
            yield return Get($"program slots: from={from}", $"{path}?from={Uri.EscapeDataString(from)}", BadRequest, "from");
        yield return Get("program slots: to=9999-12-31", $"{path}?to=9999-12-31", BadRequest, "to");
        yield return Get("program slots: 1999-12-31 to 2000-01-01", $"{path}?from=1999-12-31&to=2000-01-01", BadRequest, "from");
        yield return Get("program slots: a window of 368 days", $"{path}?from=2027-03-01&to=2028-03-02", Invalid);
        yield return Get("program slots: to before from", $"{path}?from=2027-03-10&to=2027-03-01", Invalid);
        yield return Get("program slots: limit=0", $"{path}?limit=0", Refused, "limit");
        yield return Get("program slots: limit=-1", $"{path}?limit=-1", Refused, "limit");
        yield return Get("program slots: limit=100000000", $"{path}?limit=100000000", Refused, "limit");
        yield return Get("program slots: limit=abc", $"{path}?limit=abc", Malformed, "limit");
        yield return Get("program slots: limit=2147483648", $"{path}?limit=2147483648", BadRequest, "limit");
        yield return Get("program slots: a window of 366 days", $"{path}?from=2027-03-01&to=2028-02-29", Answers(200));
        yield return Get("program slots: a provider id as the program", "/api/programs/{provider}/slots", NotFound);
        yield return Get("program slots: a batch id as the program", "/api/programs/{batch}/slots", NotFound);
        yield return Wrong("POST", path);
    }

    private static IEnumerable<HostileCase> Capacity()
    {
        const string path = "/api/programs/{program}/capacity";
        foreach (var by in new[] { "month", "week,day", "1" })
            yield return Get($"capacity: by={by}", $"{path}?by={Uri.EscapeDataString(by)}", BadRequest, "by");
        yield return Get("capacity: a provider id as the program", "/api/programs/{provider}/capacity", NotFound);
        yield return Get("capacity: an appointment id as the program", "/api/programs/{appointment}/capacity?by=day", NotFound);
        yield return Wrong("POST", path);
    }

    private static IEnumerable<HostileCase> Payments()
    {
        yield return Get("payments: a program id as the provider", "/api/providers/{program}/payments", NotFound);
        yield return Get("payments: an appointment id as the provider", "/api/providers/{appointment}/payments", NotFound);
        yield return Get("payments: a provider id as programId", "/api/providers/{provider}/payments?programId={provider}", NotFound);
        yield return Get("payments: a commitment id as programId", "/api/providers/{provider}/payments?programId={commitment}", NotFound);
        yield return Get("payments: an unknown programId", "/api/providers/{provider}/payments?programId=nope", NotFound);
        yield return Wrong("POST", "/api/providers/{provider}/payments");
    }

    private static IEnumerable<HostileCase> Batches()
    {
        yield return Get("batches: a program id as the batch", "/api/payment-batches/{program}", NotFound);
        yield return Get("batches: an appointment id as the batch", "/api/payment-batches/{appointment}", NotFound);
        yield return Get("batches: an unknown batch", "/api/payment-batches/nope", NotFound);
        yield return Get("remittance: a provider id as the batch", "/api/payment-batches/{provider}/remittance.csv", NotFound);
        yield return Get("remittance: an unknown batch", "/api/payment-batches/nope/remittance.csv", NotFound);
        yield return Get("remittance: as .json", "/api/payment-batches/{batch}/remittance.json", NotFound);
        yield return Wrong("POST", "/api/payment-batches/{batch}");
        yield return Wrong("DELETE", "/api/payment-batches/{batch}");
        yield return Wrong("POST", "/api/jobs");
        yield return Wrong("DELETE", "/api/jobs");
    }

    private static IEnumerable<HostileCase> AuditList()
    {
        const string path = "/api/audit";
        yield return Get("audit: page=0", $"{path}?page=0", Invalid, "page");
        yield return Get("audit: page=2147483647", $"{path}?page=2147483647", Invalid);
        yield return Get("audit: pageSize=501", $"{path}?pageSize=501", Invalid, "pageSize");
        yield return Get("audit: page=2001 of 500 is past 1,000,000 rows", $"{path}?page=2001&pageSize=500", Invalid);
        yield return Get("audit: page=abc", $"{path}?page=abc", Malformed, "page");
        yield return Get("audit: pageSize=1e3", $"{path}?pageSize=1e3", BadRequest, "pageSize");
        foreach (var from in new[] { "2027-02-30", "03/01/2027", "2027-3-1", "9999-12-31" })
            yield return Get($"audit: from={from}", $"{path}?from={Uri.EscapeDataString(from)}", BadRequest, "from");
        yield return Get("audit: to=2100-01-01", $"{path}?to=2100-01-01", BadRequest, "to");
        yield return Get("audit: a window of 368 days", $"{path}?from=2027-03-01&to=2028-03-02", Invalid);
        yield return Get("audit: to before from", $"{path}?from=2027-03-10&to=2027-03-01", Invalid);
        yield return Get("audit: an entityId of 41 characters", $"{path}?entityId={new string('x', 41)}", Invalid, "entityId");
        yield return Get("audit: an entityType of 51 characters", $"{path}?entityType={new string('x', 51)}", Invalid, "entityType");
        yield return Get("audit: SQL in the entityId", $"{path}?entityId={Uri.EscapeDataString("' OR '1'='1")}", Answers(200));
        yield return Get("audit: a window to 2099-12-31", $"{path}?from=2099-01-01&to=2099-12-31", Answers(200));
        yield return Get("audit: page=2000 of 500 is exactly 1,000,000 rows", $"{path}?page=2000&pageSize=500", Answers(200));
        yield return Wrong("POST", path);
        yield return Wrong("DELETE", path);
    }

    private static IEnumerable<HostileCase> Lists()
    {
        foreach (var (name, path) in new[]
                 {
                     ("commitments list", "/api/programs/{program}/commitments"), ("appointments list", "/api/appointments"),
                     ("batches list", "/api/programs/{program}/payment-batches"), ("payments list", "/api/programs/{program}/payments"),
                 })
        {
            yield return Get($"{name}: page=0", $"{path}?page=0", Invalid, "page");
            yield return Get($"{name}: pageSize=501", $"{path}?pageSize=501", Invalid, "pageSize");
            yield return Get($"{name}: page=2001 of 500 is past 1,000,000 rows", $"{path}?page=2001&pageSize=500", Invalid);
            yield return Get($"{name}: page=abc", $"{path}?page=abc", Malformed, "page");
            yield return Get($"{name}: page=2000 of 500 is exactly 1,000,000 rows", $"{path}?page=2000&pageSize=500", Answers(200));
        }
        foreach (var path in new[] { "/api/appointments", "/api/programs/{program}/payment-batches", "/api/programs/{program}/payments" })
            yield return Wrong("DELETE", path);
        yield return Get("commitments list: status=Active", "/api/programs/{program}/commitments?status=Active", Invalid, "status");
        yield return Get("commitments list: a provider id as the program", "/api/programs/{provider}/commitments", NotFound);
        yield return Get("providers list: a region with a NUL", "/api/providers?region=%00", Invalid, "region");
        yield return Get("commitments list: a region of 101 characters", $"/api/programs/{{program}}/commitments?region={new string('r', 101)}", Invalid, "region");
        yield return Get("appointments list: two statuses in one", $"/api/appointments?status={Uri.EscapeDataString("booked,cancelled")}", Invalid, "status");
        yield return Get("appointments list: from=2027-02-30", "/api/appointments?from=2027-02-30", BadRequest, "from");
        yield return Get("appointments list: a window of 368 days", "/api/appointments?from=2027-03-01&to=2028-03-02", Invalid);
        yield return Get("appointments list: a memberRef of 65 characters", $"/api/appointments?memberRef={new string('M', 65)}", Invalid, "memberRef");
        yield return Get("appointments list: SQL in the memberRef", $"/api/appointments?memberRef={Uri.EscapeDataString("' OR '1'='1")}", Answers(200));
        yield return Get("appointments list: a program id as providerId", "/api/appointments?providerId={program}", NotFound);
        yield return Get("appointments list: a provider id as programId", "/api/appointments?programId={provider}", NotFound);
        yield return Get("payments list: status=paid", "/api/programs/{program}/payments?status=paid", Invalid, "status");
        yield return Get("payments list: dueBefore=2100-01-01", "/api/programs/{program}/payments?dueBefore=2100-01-01", Invalid, "dueBefore");
        yield return Get("payments list: dueBefore as an instant", $"/api/programs/{{program}}/payments?dueBefore={Uri.EscapeDataString("2027-03-13T00:00:00-08:00")}", BadRequest, "dueBefore");
        yield return Get("payments list: a provider id as the program", "/api/programs/{provider}/payments", NotFound);
        yield return Get("payments.csv: status=paid", "/api/programs/{program}/payments.csv?status=paid", Invalid, "status");
        yield return Get("payments.csv: an unknown program", "/api/programs/nope/payments.csv", NotFound);
        yield return Get("capacity.csv: by=month", "/api/programs/{program}/capacity.csv?by=month", Invalid, "by");
        yield return Get("capacity.csv: a provider id as the program", "/api/programs/{provider}/capacity.csv", NotFound);
        yield return Wrong("POST", "/api/programs/{program}/payments.csv");
        yield return Wrong("POST", "/api/programs/{program}/capacity.csv");
    }

    private static IEnumerable<HostileCase> Routes()
    {
        yield return Get("routes: GET /api/nope", "/api/nope", NotFound);
        yield return Post("routes: POST /api/nope", "/api/nope", Raw("{}"), NotFound);
        yield return Get("routes: GET /api/programs/{program}/nope", "/api/programs/{program}/nope", NotFound);
        yield return Post("routes: POST /api/programs/{program}/nope", "/api/programs/{program}/nope", Raw("{}"), NotFound);
        yield return Get("routes: GET /api/providers/{provider}/nope", "/api/providers/{provider}/nope", NotFound);
        yield return Get("routes: GET /api/commitments/{commitment}/nope", "/api/commitments/{commitment}/nope", NotFound);
        yield return Get("routes: GET /api/appointments/{appointment}/history", "/api/appointments/{appointment}/history", NotFound);
        yield return Get("routes: GET /api/programs/{program}/capacity/extra", "/api/programs/{program}/capacity/extra", NotFound);
        yield return Get("routes: GET /api", "/api", NotFound);
        yield return Get("routes: GET /nope", "/nope", NotFound);
        yield return Get("ids: an encoded slash", "/api/programs/a%2Fb", NotFound);
        yield return Get("ids: SQL in the id", $"/api/programs/{Uri.EscapeDataString("' OR '1'='1")}", NotFound);
        yield return Get("ids: a 10,000-character id", $"/api/programs/{new string('x', 10_000)}", NotFound);
        yield return Get("ids: an emoji", $"/api/commitments/{Uri.EscapeDataString("🙂")}", NotFound);
        yield return Get("ids: a percent sign", "/api/providers/%25", NotFound);
        yield return Get("ids: a JSON object", $"/api/providers/{Uri.EscapeDataString("{\"$ne\":null}")}", NotFound);
    }
}
