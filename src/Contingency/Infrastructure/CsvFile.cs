namespace Contingency.Infrastructure;

using System.Globalization;
using System.Text;

/// <summary>
/// One cell of a <see cref="CsvFile"/>. Text is formula-safe by construction: a value a spreadsheet
/// would run as a formula (starting with = + - @, a tab or a carriage return) gets a leading
/// apostrophe, so "=HYPERLINK(...)" stays a name. Numbers, dates and instants the service writes
/// itself are kept as they are, so a negative adjustment stays a number.
/// </summary>
public readonly record struct CsvCell(string Value)
{
    public static implicit operator CsvCell(string? text) => new(Neutralise(text ?? ""));

    public static CsvCell Number(int value) => new(value.ToString(CultureInfo.InvariantCulture));

    /// <summary>A decimal as written, e.g. a utilization of 0.0128.</summary>
    public static CsvCell Number(decimal value) => new(value.ToString(CultureInfo.InvariantCulture));

    /// <summary>Money with its two decimals: 3000.00, -150.00.</summary>
    public static CsvCell Money(decimal value) => new(value.ToString("0.00", CultureInfo.InvariantCulture));

    public static CsvCell Date(DateOnly? value) => new(value?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "");

    /// <summary>An instant as the JSON API shows it: ISO 8601 with its offset.</summary>
    public static CsvCell Instant(DateTimeOffset? value) => new(value?.ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture) ?? "");

    private static string Neutralise(string value) =>
        value.Length > 0 && "=+-@\t\r".Contains(value[0]) ? "'" + value : value;
}

/// <summary>
/// The service's CSV files (remittance and exports): RFC 4180, a header row, CRLF line ends, and
/// UTF-8 with a byte-order mark so spreadsheets read names correctly.
/// </summary>
public sealed class CsvFile
{
    private readonly StringBuilder text = new();
    private readonly int columns;

    public CsvFile(IReadOnlyList<string> header)
    {
        columns = header.Count;
        Append(header.Select(h => new CsvCell(h)));
    }

    public CsvFile Row(params CsvCell[] cells)
    {
        if (cells.Length != columns) throw new ArgumentException($"A row has {columns} cells, not {cells.Length}.", nameof(cells));
        Append(cells);
        return this;
    }

    public byte[] ToBytes() => [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(text.ToString())];

    private void Append(IEnumerable<CsvCell> cells) =>
        text.AppendJoin(',', cells.Select(c => Quote(c.Value))).Append("\r\n");

    private static string Quote(string value) =>
        value.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + value.Replace("\"", "\"\"") + "\"" : value;
}
