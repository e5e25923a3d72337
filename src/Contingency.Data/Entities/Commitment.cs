namespace Contingency.Data.Entities;

using Contingency.Data.Calendar;

/// <summary>What one provider agreed to hold open in one program: N slots a day on given weekdays.</summary>
public sealed class Commitment
{
    public const string Active = "active";
    public const string Withdrawn = "withdrawn";

    private Commitment() { }

    /// <summary>
    /// A provider's commitment to a program, refused unless it is one the program can hold: a day's
    /// slots end by midnight, it lies inside the program's dates, starts today or later in the
    /// program's zone, the provider is active, and it offers at least one slot.
    /// </summary>
    public Commitment(string id, CareProgram program, Provider provider, int slotsPerDay, WeekdaySet weekdays,
        TimeOnly firstSlotAt, DateOnly startsOn, int weeks, IEnumerable<DateOnly> excludedDates, DateOnly today, DateTimeOffset now)
    {
        if (slotsPerDay is < 1 or > MaxSlotsPerDay)
            throw new InvalidFieldException("slotsPerDay", $"slotsPerDay is 1 to {MaxSlotsPerDay}.");
        if (weekdays.IsEmpty) throw new InvalidFieldException("weekdays", "weekdays must name at least one day.");
        if (SlotCalendar.DayEndsAfterMidnight(firstSlotAt, slotsPerDay, program.SessionMinutes))
            throw new InvalidFieldException("firstSlotAt",
                $"{slotsPerDay} slots of {program.SessionMinutes} minutes from {firstSlotAt:HH:mm} end after 24:00.");
        Guard.Date("startsOn", startsOn);
        Guard.Weeks("weeks", weeks);
        var excluded = Guard.Dates("excludedDates", excludedDates);

        var endsOn = startsOn.AddDays(7 * weeks - 1);
        if (!program.Covers(startsOn, endsOn))
            throw new UnprocessableException(ErrorCodes.OutsideProgram,
                $"The commitment runs {startsOn:yyyy-MM-dd}..{endsOn:yyyy-MM-dd}; the program runs {program.StartsOn:yyyy-MM-dd}..{program.EndsOn:yyyy-MM-dd}.");
        if (startsOn < today)
            throw new UnprocessableException(ErrorCodes.InThePast, $"startsOn {startsOn:yyyy-MM-dd} is before today ({today:yyyy-MM-dd}) in {program.TimeZone}.");
        if (provider.Status != Provider.Active)
            throw new UnprocessableException(ErrorCodes.ProviderInactive, $"Provider '{provider.Id}' is {provider.Status}.");

        Id = id;
        ProgramId = program.Id;
        ProviderId = provider.Id;
        SlotsPerDay = slotsPerDay;
        WeekdayMask = weekdays.Mask;
        FirstSlotAt = firstSlotAt;
        StartsOn = startsOn;
        Weeks = weeks;
        ExcludedDates = excluded;
        EndsOn = PlannedEndsOn;
        Status = Active;
        ActiveInProgramId = program.Id;
        CreatedAt = now;
        TotalSlots = program.Calendar().Count(Pattern);
        if (TotalSlots == 0)
            throw new UnprocessableException(ErrorCodes.NoSlots, "Those weekdays, holidays and excluded dates leave no slot at all.");
    }

    public const int MaxSlotsPerDay = 12;

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
    [FreeTextData] public string? WithdrawalReason { get; private set; }
    public DateTimeOffset? WithdrawnAt { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }

    /// <summary>
    /// The program id while the commitment is active, null once withdrawn. A unique index over
    /// (provider, this) lets the database refuse a second active commitment in a program.
    /// </summary>
    public string? ActiveInProgramId { get; private set; }

    /// <summary>
    /// Raised by every booking of one of this commitment's slots, in the booking's own transaction,
    /// and a concurrency token of this row: see <see cref="Withdraw"/> for why.
    /// </summary>
    public long BookingsVersion { get; private set; }

    public DateOnly PlannedEndsOn => StartsOn.AddDays(7 * Weeks - 1);
    public WeekdaySet Weekdays => new(WeekdayMask);

    public SlotPattern Pattern => SlotPattern.Of(SlotsPerDay, WeekdayMask, FirstSlotAt, StartsOn, EndsOn, ExcludedDates);

    /// <summary>
    /// The program was extended and this commitment ran to its old end: it runs on for the same
    /// number of weeks, on the same pattern.
    /// </summary>
    public void Extend(int weeks, SlotCalendar calendar)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(weeks);
        if (Status != Active) throw new InvalidOperationException($"Commitment {Id} is {Status} and cannot be extended.");
        if (Weeks + weeks > Limits.MaxWeeks)
            throw new UnprocessableException(ErrorCodes.TooLong, $"Commitment '{Id}' would run more than {Limits.MaxWeeks} weeks.");
        Weeks += weeks;
        EndsOn = PlannedEndsOn;
        TotalSlots = calendar.Count(Pattern);
    }

    /// <summary>
    /// The commitment ends the day before <paramref name="effectiveOn"/>: withdrawn, its slots
    /// recounted. Displacing the bookings and correcting the payments of the removed days are the
    /// caller's, in the same transaction.
    /// <para>
    /// A booking and a withdrawal must not interleave (a booking committed just after the withdrawal
    /// read the bookings to displace would keep a slot that no longer exists). The database decides,
    /// through this row, which both transactions write: triggers on Appointments refuse an insert
    /// unless its commitment still covers the appointment's day, and raise <see cref="BookingsVersion"/>
    /// in the same statement (see the CommitmentBookingsVersion migration on SQLite, InitialCreate on
    /// PostgreSQL); the withdrawal saves this row with the BookingsVersion it read as a concurrency
    /// token, so a booking that came in after its read makes it fail and start again, now seeing that
    /// booking. Whichever commits first, the other sees it: SQLite serialises the writers, and on
    /// PostgreSQL the trigger's UPDATE of the row is the check: it waits for the withdrawal's and
    /// re-checks the day against the committed row.
    /// </para>
    /// </summary>
    public void Withdraw(DateOnly effectiveOn, string reason, SlotCalendar calendar, DateOnly today, DateTimeOffset now)
    {
        if (Status != Active)
            throw new ConflictException(ErrorCodes.InvalidTransition, $"Commitment '{Id}' is already {Status}.");
        if (effectiveOn < today)
            throw new UnprocessableException(ErrorCodes.InThePast, $"effectiveOn {effectiveOn:yyyy-MM-dd} is before today ({today:yyyy-MM-dd}) in the program's zone.");
        if (effectiveOn > EndsOn)
            throw new UnprocessableException(ErrorCodes.OutsideCommitment, $"effectiveOn {effectiveOn:yyyy-MM-dd} is after the commitment ends ({EndsOn:yyyy-MM-dd}).");
        Guard.Name("reason", reason, Limits.MaxTextLength);

        EndsOn = effectiveOn.AddDays(-1);
        Status = Withdrawn;
        ActiveInProgramId = null;
        WithdrawnEffectiveOn = effectiveOn;
        WithdrawalReason = reason;
        WithdrawnAt = now;
        TotalSlots = calendar.Count(Pattern); // zero when withdrawn before its first day
    }
}
