namespace Contingency.Data.Entities;

/// <summary>
/// How many appointments hold a slot (booked, completed, no-show) for one program, region, licence type,
/// local day, kind and timeliness. The database keeps these rows: triggers on Appointments add and take
/// away one as an appointment comes to hold a slot or stops holding it, in the same transaction, so the
/// counts are always those of the committed appointments. The service only reads them; capacity and
/// compliance read a few thousand of these instead of grouping every appointment of a program.
/// </summary>
public sealed class BookedCount
{
    /// <summary><see cref="TimelyAccess"/> of an appointment with no timeliness (an intake).</summary>
    public const int NotApplicable = -1;

    private BookedCount() { }

    public string ProgramId { get; private set; } = "";
    public string Region { get; private set; } = "";
    public string LicenseType { get; private set; } = "";
    public DateOnly LocalDate { get; private set; }
    public string Kind { get; private set; } = "";

    /// <summary><see cref="Appointment.TimelyAccessMet"/> as a number: 1 met, 0 not met, -1 none.</summary>
    public int TimelyAccess { get; private set; }

    public int Count { get; private set; }
}
