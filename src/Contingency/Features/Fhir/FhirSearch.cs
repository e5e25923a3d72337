namespace Contingency.Features.Fhir;

using System.Globalization;
using Contingency.Data;
using Contingency.Data.Calendar;

/// <summary>
/// A FHIR search's parameters, checked: a name the resource does not take is a 400 (OperationOutcome),
/// not silently ignored, so a client never mistakes an unfiltered answer for a filtered one.
/// <c>_count</c> (1 to <see cref="MaxCount"/>, default <see cref="DefaultCount"/>) and <c>_offset</c>
/// page the matches; the <c>next</c> link carries them.
/// </summary>
public sealed class FhirSearch
{
    public const int DefaultCount = 50;
    public const int MaxCount = 500;
    /// <summary>As the API's paging: <c>_offset</c> + <c>_count</c> within a million rows.</summary>
    public const int MaxRows = 1_000_000;
    /// <summary>How many ids one parameter may list (comma-separated, FHIR's "or").</summary>
    public const int MaxValues = 50;

    private static readonly string[] JsonFormats = ["json", "application/json", "application/fhir+json"];

    private static readonly ProgramZone Utc = ProgramZone.Find("Etc/UTC");

    private readonly Dictionary<string, List<string>> values;

    private FhirSearch(Dictionary<string, List<string>> values, int count, int offset)
    {
        this.values = values;
        Count = count;
        Offset = offset;
    }

    public int Count { get; }
    public int Offset { get; }

    public static FhirSearch Parse(IEnumerable<KeyValuePair<string, Microsoft.Extensions.Primitives.StringValues>> query, IReadOnlyList<string> known)
    {
        var values = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        int count = DefaultCount, offset = 0;
        foreach (var (name, given) in query)
        {
            var sent = given.Where(v => !string.IsNullOrEmpty(v)).Select(v => v!).ToList();
            switch (name)
            {
                case "_count":
                    count = Integer(name, sent, 1, MaxCount) ?? count;
                    break;
                case "_offset":
                    offset = Integer(name, sent, 0, MaxRows) ?? offset;
                    break;
                case "_format":
                    if (sent.Any(f => !JsonFormats.Contains(f, StringComparer.OrdinalIgnoreCase)))
                        throw new InvalidFieldException(name, "This server answers JSON only: _format is json or application/fhir+json.");
                    break;
                default:
                    if (!known.Contains(name, StringComparer.Ordinal))
                        throw new InvalidFieldException(name,
                            $"'{name}' is not a search parameter this server supports here; it takes {string.Join(", ", known.Append("_count"))}.");
                    // FHIR ignores a parameter sent without a value.
                    if (sent.Count > 0) values[name] = sent;
                    break;
            }
        }
        if ((long)offset + count > MaxRows)
            throw new InvalidFieldException("_offset", $"_offset + _count is at most {MaxRows:N0}.");
        return new FhirSearch(values, count, offset);
    }

    public bool Has(string name) => values.ContainsKey(name);

    /// <summary>
    /// A token or reference parameter's values, null when it was not sent. Commas are FHIR's "or";
    /// repeats are its "and", which for these single-valued fields leaves the values every repeat names.
    /// </summary>
    /// <param name="map">Checks and normalizes each value before the repeats are combined (a reference to its id,
    /// an unknown code to a 400), so two spellings of one value agree and no bad value hides in an "and".</param>
    public IReadOnlyList<string>? Values(string name, Func<string, string>? map = null)
    {
        if (!values.TryGetValue(name, out var sent)) return null;
        HashSet<string>? kept = null;
        foreach (var repeat in sent)
        {
            var named = repeat.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                .Select(v => map is null ? v : map(v)).ToHashSet(StringComparer.Ordinal);
            if (named.Count > MaxValues) throw new InvalidFieldException(name, $"{name} lists at most {MaxValues} values.");
            if (kept is null) kept = named;
            else kept.IntersectWith(named);
        }
        return kept!.Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>A string parameter's one value as sent (a region's name may hold a comma), null when not sent.</summary>
    public string? Text(string name) => values.TryGetValue(name, out var sent)
        ? sent is [var one] ? one : throw new InvalidFieldException(name, $"{name} takes one value.")
        : null;

    /// <summary>One value, when the parameter takes one.</summary>
    public string? Single(string name) => Values(name) switch
    {
        null => null,
        [var one] => one,
        _ => throw new InvalidFieldException(name, $"{name} takes one value."),
    };

    /// <summary>
    /// The ids a reference parameter names: <c>Type/id</c>, a bare id, or an absolute URL ending in
    /// <c>Type/id</c>. A reference to another resource type can match nothing here: a 400.
    /// </summary>
    public IReadOnlyList<string>? References(string name, string type) => Values(name, value =>
    {
        var parts = value.Split('/');
        if (parts.Length == 1) return value;
        if (parts[^2] == type && parts[^1].Length > 0) return parts[^1];
        throw new InvalidFieldException(name, $"{name} refers to a {type}: {type}/{{id}} or the id alone.");
    });

    /// <summary>The date parameter's conditions, all of which must hold (FHIR's "and" of repeats).</summary>
    public FhirDates Dates(string name)
    {
        var dates = new FhirDates(values.TryGetValue(name, out var sent) ? sent.Select(v => FhirDate.Parse(name, v)).ToList() : []);
        // The window's limit holds before any program's zone is known: checked in UTC here, in the zone later.
        dates.Window(Utc, Limits.FirstDate, Limits.LastDate, name);
        return dates;
    }

    private static int? Integer(string name, List<string> sent, int min, int max)
    {
        if (sent.Count == 0) return null;
        if (sent.Count > 1 || !int.TryParse(sent[0], NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < min || n > max)
            throw new InvalidFieldException(name, $"{name} is one whole number from {min} to {max:N0}.");
        return n;
    }
}

/// <summary>
/// One condition of a date search parameter: a FHIR prefix (eq, ne not supported, gt, ge, lt, le)
/// and either a local date, read in the program's zone like every date of the API, or an instant
/// with its offset.
/// </summary>
public sealed record FhirDate(string Prefix, DateOnly? Date, DateTimeOffset? Instant)
{
    private static readonly string[] Prefixes = ["eq", "gt", "ge", "lt", "le"];
    private static readonly string[] InstantFormats =
        ["yyyy-MM-dd'T'HH:mmzzz", "yyyy-MM-dd'T'HH:mm:sszzz", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", "yyyy-MM-dd'T'HH:mm'Z'", "yyyy-MM-dd'T'HH:mm:ss'Z'", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'"];

    public static FhirDate Parse(string name, string value)
    {
        var prefixed = value.Length > 2 && char.IsAsciiLetterLower(value[0]);
        var prefix = prefixed ? value[..2] : "eq";
        var rest = prefixed ? value[2..] : value;
        if (!Prefixes.Contains(prefix))
            throw new InvalidFieldException(name, $"{name} takes the prefixes {string.Join(", ", Prefixes)}.");
        if (DateOnly.TryParseExact(rest, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            InServiceDates(name, date);
            return new FhirDate(prefix, date, null);
        }
        if (DateTimeOffset.TryParseExact(rest, InstantFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var instant))
        {
            InServiceDates(name, DateOnly.FromDateTime(instant.UtcDateTime));
            return new FhirDate(prefix, null, instant);
        }
        throw new InvalidFieldException(name, $"{name} is a date (yyyy-MM-dd) or a time with its offset (yyyy-MM-ddTHH:mm:ss-08:00), after an optional prefix.");
    }

    private static void InServiceDates(string name, DateOnly date)
    {
        if (!Limits.IsServiceDate(date)) throw new InvalidFieldException(name, $"{name} must be {Limits.DateRange}.");
    }

    /// <summary>True when something that starts at <paramref name="start"/> (on <paramref name="localDate"/> in its zone) meets the condition.</summary>
    public bool Matches(DateOnly localDate, DateTimeOffset start)
    {
        var c = Date is { } d ? localDate.CompareTo(d) : start.CompareTo(Instant!.Value);
        return Prefix switch
        {
            "gt" => c > 0,
            "ge" => c >= 0,
            "lt" => c < 0,
            "le" => c <= 0,
            _ => c == 0,
        };
    }

    /// <summary>The first and last local date in the zone that can meet the condition (null: unbounded that side).</summary>
    public (DateOnly? From, DateOnly? To) Bounds(ProgramZone zone)
    {
        var day = Date ?? zone.LocalDateOf(Instant!.Value);
        return Prefix switch
        {
            "gt" => (Date is null ? day : day.AddDays(1), null),
            "ge" => (day, null),
            "lt" => (null, Date is null ? day : day.AddDays(-1)),
            "le" => (null, day),
            _ => (day, day),
        };
    }
}

/// <summary>All of a date parameter's conditions.</summary>
public sealed class FhirDates(IReadOnlyList<FhirDate> conditions)
{
    public IReadOnlyList<FhirDate> Conditions => conditions;

    public bool Matches(DateOnly localDate, DateTimeOffset start) => conditions.All(c => c.Matches(localDate, start));

    /// <summary>
    /// The window of local dates the conditions leave in the zone, within <paramref name="first"/>..<paramref name="last"/>;
    /// a window the conditions close on both sides spans at most the API's 366 days.
    /// </summary>
    public (DateOnly From, DateOnly To) Window(ProgramZone zone, DateOnly first, DateOnly last, string name)
    {
        DateOnly? from = null, to = null;
        foreach (var (f, t) in conditions.Select(c => c.Bounds(zone)))
        {
            if (f is { } a && (from is null || a > from)) from = a;
            if (t is { } b && (to is null || b < to)) to = b;
        }
        if (from is { } x && to is { } y && y.DayNumber - x.DayNumber >= Limits.MaxWindowDays)
            throw new InvalidFieldException(name, $"A window of {name} spans at most {Limits.MaxWindowDays} days.");
        return (SlotCalendar.Max(from ?? first, first), SlotCalendar.Min(to ?? last, last));
    }
}
