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
        var parsed = default(DateOnly);
        var ok = text is { Length: 10 } && DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out parsed);
        date = new QueryDate(parsed);
        return ok;
    }

    public static implicit operator DateOnly(QueryDate date) => date.Value;

    public override string ToString() => Value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
