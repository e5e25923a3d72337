namespace Contingency.Features.Capacity;

using Contingency.Infrastructure;

/// <summary>
/// Capacity as CSV: the rows of GET /api/programs/{id}/capacity, rendered from the very view the
/// JSON answers with, so the two cannot disagree.
/// </summary>
public static class CapacityCsv
{
    /// <summary>demand and gap are weekly figures: empty by day or for one licence type, as the JSON's are null.</summary>
    public static readonly string[] Header = ["period", "region", "committed", "booked", "free", "utilization", "demand", "gap"];

    public static byte[] Write(CapacityView view)
    {
        var csv = new CsvFile(Header);
        foreach (var r in view.Rows)
            csv.Row(CsvCell.Date(r.Period), r.Region, CsvCell.Number(r.Committed), CsvCell.Number(r.Booked), CsvCell.Number(r.Free),
                CsvCell.Number(r.Utilization), Count(r.Demand), Count(r.Gap));
        return csv.ToBytes();
    }

    private static CsvCell Count(int? value) => value is { } n ? CsvCell.Number(n) : "";
}
