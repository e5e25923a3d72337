namespace Contingency.Data;

/// <summary>
/// The entities' own checks of the values they are built from, against <see cref="Limits"/>. The
/// API's validators report the same bounds field by field first; these make sure that no other
/// path (an import, a command line, a test) can store what the API would refuse.
/// </summary>
internal static class Guard
{
    public static void Name(string field, string value, int max = Limits.MaxNameLength)
    {
        if (string.IsNullOrWhiteSpace(value)) throw new InvalidFieldException(field, $"{field} must not be empty.");
        if (value.Length > max) throw new InvalidFieldException(field, $"{field} is at most {max} characters.");
        NoNul(field, value);
    }

    public static void Text(string field, string? value, int max = Limits.MaxTextLength)
    {
        if (value is { Length: var n } && n > max) throw new InvalidFieldException(field, $"{field} is at most {max} characters.");
        if (value is not null) NoNul(field, value);
    }

    /// <summary>No text holds a NUL character (PostgreSQL refuses one): a CSV or a command may send one as well as JSON.</summary>
    private static void NoNul(string field, string value)
    {
        if (value.Contains('\0')) throw new InvalidFieldException(field, $"{field} must not contain a NUL character.");
    }

    public static void Date(string field, DateOnly date)
    {
        if (!Limits.IsServiceDate(date)) throw new InvalidFieldException(field, $"{field} must be {Limits.DateRange}.");
    }

    public static List<DateOnly> Dates(string field, IEnumerable<DateOnly> dates)
    {
        var list = dates.Distinct().Order().ToList();
        if (list.Count > Limits.MaxDatesInList)
            throw new InvalidFieldException(field, $"{field} holds at most {Limits.MaxDatesInList} dates.");
        foreach (var date in list) Date(field, date);
        return list;
    }

    public static void Weeks(string field, int weeks)
    {
        if (weeks is < 1 or > Limits.MaxWeeks) throw new InvalidFieldException(field, $"{field} is 1 to {Limits.MaxWeeks}.");
    }

    public static void Money(string field, decimal amount)
    {
        if (!Limits.IsMoney(amount))
            throw new InvalidFieldException(field, $"{field} is an amount from 0 to {Limits.MaxMoney:0.00} with at most two decimals.");
    }
}
