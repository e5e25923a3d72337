namespace Contingency.Data.Entities;

using Contingency.Data.Calendar;

/// <summary>What one provider agreed to hold open in one program: N slots a day on given weekdays.</summary>
public sealed class Commitment
{
    public const string Active = "active";
    public const string Withdrawn = "withdrawn";

    private Commitment() { }

    public Commitment(string id, CareProgram program, Provider provider, int slotsPerDay, WeekdaySet weekdays,
        TimeOnly firstSlotAt, DateOnly startsOn, int weeks, IEnumerable<DateOnly> excludedDates, DateTimeOffset now)
    {
        Id = id;
        ProgramId = program.Id;
        ProviderId = provider.Id;
        SlotsPerDay = slotsPerDay;
        WeekdayMask = weekdays.Mask;
        FirstSlotAt = firstSlotAt;
        StartsOn = startsOn;
        Weeks = weeks;
        ExcludedDates = excludedDates.Distinct().Order().ToList();
        EndsOn = PlannedEndsOn;
        Status = Active;
        ActiveInProgramId = program.Id;
        CreatedAt = now;
        TotalSlots = program.Calendar().Count(Pattern);
    }

    public string Id { get; private set; } = "";
    public string ProgramId { get; private set; } = "";
    public string ProviderId { get; private set; } = "";
    public int SlotsPerDay { get; private set; }
    public int WeekdayMask { get; private set; }
    public TimeOnly FirstSlotAt { get; private set; }
    public DateOnly StartsOn { get; private set; }
    public int Weeks { get; private set; }
    public List<DateOnly> ExcludedDates { get; private set; } = [];
    /// <summary>The last day with slots: the planned end, or the day before a withdrawal takes effect.</summary>
    public DateOnly EndsOn { get; private set; }
    public string Status { get; private set; } = Active;
    public int TotalSlots { get; private set; }
    public DateOnly? WithdrawnEffectiveOn { get; private set; }
    public string? WithdrawalReason { get; private set; }
    public DateTimeOffset? WithdrawnAt { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }

    /// <summary>
    /// The program id while the commitment is active, null once withdrawn. A unique index over
    /// (provider, this) lets the database refuse a second active commitment in a program.
    /// </summary>
    public string? ActiveInProgramId { get; private set; }

    public DateOnly PlannedEndsOn => StartsOn.AddDays(7 * Weeks - 1);
    public WeekdaySet Weekdays => new(WeekdayMask);

    public SlotPattern Pattern => new(SlotsPerDay, Weekdays, FirstSlotAt, StartsOn, EndsOn, ExcludedDates.ToHashSet());

    /// <summary>
    /// The program was extended and this commitment ran to its old end: it runs on for the same
    /// number of weeks, on the same pattern.
    /// </summary>
    public void Extend(int weeks, SlotCalendar calendar)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(weeks);
        if (Status != Active) throw new InvalidOperationException($"Commitment {Id} is {Status} and cannot be extended.");
        Weeks += weeks;
        EndsOn = PlannedEndsOn;
        TotalSlots = calendar.Count(Pattern);
    }

    /// <summary>
    /// The commitment ends the day before <paramref name="effectiveOn"/>: withdrawn, its slots
    /// recounted. Displacing the bookings and correcting the payments of the removed days are the
    /// caller's, in the same transaction.
    /// </summary>
    public void Withdraw(DateOnly effectiveOn, string reason, SlotCalendar calendar, DateOnly today, DateTimeOffset now)
    {
        if (Status != Active)
            throw new ConflictException(ErrorCodes.InvalidTransition, $"Commitment '{Id}' is already {Status}.");
        if (effectiveOn < today)
            throw new UnprocessableException(ErrorCodes.InThePast, $"effectiveOn {effectiveOn:yyyy-MM-dd} is before today ({today:yyyy-MM-dd}) in the program's zone.");
        if (effectiveOn > EndsOn)
            throw new UnprocessableException(ErrorCodes.OutsideCommitment, $"effectiveOn {effectiveOn:yyyy-MM-dd} is after the commitment ends ({EndsOn:yyyy-MM-dd}).");

        EndsOn = effectiveOn.AddDays(-1);
        Status = Withdrawn;
        ActiveInProgramId = null;
        WithdrawnEffectiveOn = effectiveOn;
        WithdrawalReason = reason;
        WithdrawnAt = now;
        TotalSlots = calendar.Count(Pattern); // zero when withdrawn before its first day
    }
}
