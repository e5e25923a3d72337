namespace Contingency.Data.Entities;

/// <summary>A member booked into one provider slot, and what became of it.</summary>
public sealed class Appointment
{
    public const string Booked = "booked";
    public const string Completed = "completed";
    public const string NoShow = "no-show";
    public const string Cancelled = "cancelled";
    public const string Displaced = "displaced";

    public const string Intake = "intake";
    public const string FollowUp = "follow-up";

    private Appointment() { }

    public Appointment(string id, Commitment commitment, Provider provider, DateTimeOffset start, DateTimeOffset end, DateOnly localDate,
        string memberRef, string kind, DateOnly? previousVisitOn, DateOnly? followUpDueBy, string? modality, DateTimeOffset now)
    {
        Id = id;
        ProgramId = commitment.ProgramId;
        ProviderId = commitment.ProviderId;
        Region = provider.Region;
        LicenseType = provider.LicenseType;
        CommitmentId = commitment.Id;
        Start = start.ToUniversalTime();
        End = end.ToUniversalTime();
        LocalDate = localDate;
        MemberRef = memberRef;
        Kind = kind;
        PreviousVisitOn = previousVisitOn;
        FollowUpDueBy = followUpDueBy;
        TimelyAccessMet = followUpDueBy is { } due ? localDate <= due : null;
        Modality = modality;
        Status = Booked;
        HeldSlot = Start;
        CreatedAt = now;
        UpdatedAt = now;
    }

    public string Id { get; private set; } = "";
    public string ProgramId { get; private set; } = "";
    public string ProviderId { get; private set; } = "";
    public string CommitmentId { get; private set; } = "";
    /// <summary>
    /// The provider's region and licence, copied at booking so capacity can count a million bookings
    /// from one covering index without joining each to its provider (a provider's region and licence
    /// are fixed at enrollment).
    /// </summary>
    public string Region { get; private set; } = "";
    public string LicenseType { get; private set; } = "";
    public DateTimeOffset Start { get; private set; }
    public DateTimeOffset End { get; private set; }
    /// <summary>The start's date in the program's zone: what capacity groups by.</summary>
    public DateOnly LocalDate { get; private set; }
    public string Status { get; private set; } = Booked;
    public string Kind { get; private set; } = Intake;
    /// <summary>The member's reference in the plan's systems: personal health information, never logged.</summary>
    public string MemberRef { get; private set; } = "";
    public DateOnly? PreviousVisitOn { get; private set; }
    public DateOnly? FollowUpDueBy { get; private set; }
    public bool? TimelyAccessMet { get; private set; }
    public string? Modality { get; private set; }
    public string? CancelReason { get; private set; }
    public string? CancelInitiatedBy { get; private set; }
    public string? RescheduledFromId { get; private set; }
    public string? RescheduledToId { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }

    /// <summary>
    /// The start while this appointment holds its slot (booked, completed, no-show), null once it
    /// gives it up (cancelled, displaced). The unique index over (ProviderId, HeldSlot) is what
    /// makes a double booking impossible, whatever the code above it does.
    /// </summary>
    public DateTimeOffset? HeldSlot { get; private set; }

    public void Cancel(string reason, string initiatedBy, DateTimeOffset now)
    {
        Require(Booked, "cancel");
        Status = Cancelled;
        CancelReason = reason;
        CancelInitiatedBy = initiatedBy;
        Release(now);
    }

    public void Complete(DateTimeOffset now)
    {
        Require(Booked, "complete");
        Status = Completed;
        UpdatedAt = now;
    }

    public void MarkNoShow(DateTimeOffset now)
    {
        Require(Booked, "mark as no-show");
        Status = NoShow;
        UpdatedAt = now;
    }

    /// <summary>The provider withdrew from the day of this appointment: it no longer has a slot.</summary>
    public void Displace(DateTimeOffset now)
    {
        Require(Booked, "displace");
        Status = Displaced;
        Release(now);
    }

    /// <summary>This appointment moves to <paramref name="replacement"/>; the old slot is freed.</summary>
    public void RescheduleTo(Appointment replacement, DateTimeOffset now)
    {
        Require(Booked, "reschedule");
        Status = Cancelled;
        CancelReason = "rescheduled";
        CancelInitiatedBy = "plan";
        RescheduledToId = replacement.Id;
        replacement.RescheduledFromId = Id;
        Release(now);
    }

    private void Release(DateTimeOffset now)
    {
        HeldSlot = null;
        UpdatedAt = now;
    }

    private void Require(string status, string action)
    {
        if (Status != status)
            throw new ConflictException(ErrorCodes.InvalidTransition, $"Cannot {action} an appointment that is {Status}.");
    }
}
