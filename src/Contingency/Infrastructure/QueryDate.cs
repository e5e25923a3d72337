namespace Contingency.Infrastructure;

using System.Globalization;

/// <summary>
/// A local date in a query string, read as strictly as in a body: `yyyy-MM-dd` only (the framework's
/// own binding would take 03/01/2027 and guess its meaning).
/// </summary>
public readonly record struct QueryDate(DateOnly Value)
{
    public static bool TryParse(string? text, IFormatProvider? provider, out QueryDate date)
    {
        var ok = TryParseLocalDate(text, out var parsed);
        date = new QueryDate(parsed);
        return ok;
    }

    /// <summary>`yyyy-MM-dd` exactly, and a day that exists: the one reading of a local date, in bodies and queries.</summary>
    public static bool TryParseLocalDate(string? text, out DateOnly date)
    {
        date = default;
        return text is { Length: 10 } && DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date);
    }

    public static implicit operator DateOnly(QueryDate date) => date.Value;

    public override string ToString() => Value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
