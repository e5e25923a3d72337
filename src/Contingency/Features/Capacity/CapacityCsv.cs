namespace Contingency.Features.Capacity;

using Contingency.Infrastructure;

/// <summary>
/// Capacity as CSV: the rows of GET /api/programs/{id}/capacity, rendered from the very view the
/// JSON answers with, so the two cannot disagree.
/// </summary>
public static class CapacityCsv
{
    public static readonly string[] Header = ["period", "region", "committed", "booked", "free", "utilization"];

    public static byte[] Write(CapacityView view)
    {
        var csv = new CsvFile(Header);
        foreach (var r in view.Rows)
            csv.Row(CsvCell.Date(r.Period), r.Region, CsvCell.Number(r.Committed), CsvCell.Number(r.Booked), CsvCell.Number(r.Free),
                CsvCell.Number(r.Utilization));
        return csv.ToBytes();
    }
}
