namespace Contingency.Data.Entities;

using Contingency.Data.Calendar;

/// <summary>A member booked into one provider slot, and what became of it.</summary>
public sealed class Appointment
{
    public const string Booked = "booked";
    public const string Completed = "completed";
    public const string NoShow = "no-show";
    public const string Cancelled = "cancelled";
    public const string Displaced = "displaced";
    /// <summary>Past, never completed nor marked no-show, and its program closed without an outcome (README, "Retention").</summary>
    public const string Unresolved = "unresolved";

    public static readonly string[] Statuses = [Booked, Completed, NoShow, Cancelled, Displaced, Unresolved];

    public const string Intake = "intake";
    public const string FollowUp = "follow-up";

    private Appointment() { }

    /// <summary>California's timely-access standard: a non-urgent follow-up within 10 business days.</summary>
    public const int TimelyAccessBusinessDays = 10;
    public const int MaxMemberRefLength = 64;

    /// <summary>
    /// A member booked into one slot of a commitment. The caller found the slot among the commitment's
    /// (so it exists); this refuses what the slot and the provider cannot take.
    /// </summary>
    public Appointment(string id, Commitment commitment, Provider provider, Slot slot, IReadOnlySet<DateOnly> holidays,
        string memberRef, string kind, DateOnly? previousVisitOn, string? modality, DateTimeOffset now)
    {
        RequireNotBegun(slot.Start, now);
        Guard.Name("memberRef", memberRef, MaxMemberRefLength);
        if (kind is not (Intake or FollowUp)) throw new InvalidFieldException("kind", "kind is intake or follow-up.");
        if (modality is not null && !Vocabulary.Modalities.Contains(modality))
            throw new InvalidFieldException("modality", $"modality is one of {string.Join(", ", Vocabulary.Modalities)}.");
        if (modality is not null && !provider.Modalities.Contains(modality))
            throw new UnprocessableException(ErrorCodes.ModalityNotOffered, $"Provider '{provider.Id}' does not offer {modality} sessions.");

        DateOnly? dueBy = null;
        if (kind == FollowUp)
        {
            if (previousVisitOn is not { } previous) throw new InvalidFieldException("previousVisitOn", "A follow-up needs previousVisitOn.");
            Guard.Date("previousVisitOn", previous);
            if (previous >= slot.Date)
                throw new InvalidFieldException("previousVisitOn", "previousVisitOn must be before the appointment's date.");
            dueBy = BusinessDays.After(previous, TimelyAccessBusinessDays, holidays);
        }

        Id = id;
        ProgramId = commitment.ProgramId;
        ProviderId = commitment.ProviderId;
        Region = provider.Region;
        LicenseType = provider.LicenseType;
        CommitmentId = commitment.Id;
        Start = slot.Start.ToUniversalTime();
        End = slot.End.ToUniversalTime();
        LocalDate = slot.Date;
        MemberRef = memberRef;
        Kind = kind;
        PreviousVisitOn = kind == FollowUp ? previousVisitOn : null;
        FollowUpDueBy = dueBy;
        TimelyAccessMet = dueBy is { } due ? slot.Date <= due : null;
        Modality = modality;
        Status = Booked;
        HeldSlot = Start;
        CreatedAt = now;
        UpdatedAt = now;
    }

    /// <summary>A slot that has already begun cannot be booked.</summary>
    public static void RequireNotBegun(DateTimeOffset start, DateTimeOffset now)
    {
        if (start < now)
            throw new UnprocessableException(ErrorCodes.InThePast, $"The slot at {start:yyyy-MM-ddTHH:mmzzz} has already begun.");
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
    [HealthData] public string Kind { get; private set; } = Intake;
    /// <summary>The member's reference in the plan's systems: personal health information, never logged.</summary>
    [HealthData] public string MemberRef { get; private set; } = "";
    [HealthData] public DateOnly? PreviousVisitOn { get; private set; }
    [HealthData] public DateOnly? FollowUpDueBy { get; private set; }
    [HealthData] public bool? TimelyAccessMet { get; private set; }
    public string? Modality { get; private set; }
    /// <summary>Free text about a member's appointment: it may say something of their health, so it is member data.</summary>
    [HealthData] public string? CancelReason { get; private set; }
    public string? CancelInitiatedBy { get; private set; }
    public string? RescheduledFromId { get; private set; }
    public string? RescheduledToId { get; private set; }
    /// <summary>A displaced appointment's member booked again: the new appointment, and on it the displaced one.</summary>
    public string? RebookedAsId { get; private set; }
    public string? RebookedFromId { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }

    /// <summary>When the member reference became a one-way hash (its program closed long enough ago); null while it is plain.</summary>
    public DateTimeOffset? MemberDataHashedAt { get; private set; }

    /// <summary>
    /// The start while this appointment holds its slot (booked, completed, no-show, unresolved), null once it
    /// gives it up (cancelled, displaced). The unique index over (ProviderId, HeldSlot) is what
    /// makes a double booking impossible, whatever the code above it does.
    /// </summary>
    public DateTimeOffset? HeldSlot { get; private set; }

    public static readonly string[] Initiators = ["member", "provider", "plan"];

    public void Cancel(string reason, string initiatedBy, DateTimeOffset now)
    {
        Require(Booked, "cancel");
        Guard.Text("reason", reason);
        if (!Initiators.Contains(initiatedBy))
            throw new InvalidFieldException("initiatedBy", $"initiatedBy is {string.Join(", ", Initiators)}.");
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

    /// <summary>Its program closes with no outcome recorded for this past appointment; it keeps its slot (the time was given).</summary>
    public void MarkUnresolved(DateTimeOffset now)
    {
        Require(Booked, "mark as unresolved");
        Status = Unresolved;
        UpdatedAt = now;
    }

    /// <summary>
    /// The member data that could name the member goes: the reference becomes its one-way hash
    /// (<paramref name="hashedRef"/>, the same for every appointment of the member in this program)
    /// and a cancellation's free-text reason is cleared. What the appointment was (kind, dates,
    /// timely access) stays, for the program's figures. Done once: a hash is never hashed again.
    /// </summary>
    public void ReplaceMemberData(string hashedRef, DateTimeOffset now)
    {
        if (MemberDataHashedAt is not null) throw new InvalidOperationException($"Appointment '{Id}' holds a hash already.");
        MemberRef = hashedRef;
        if (CancelReason is not null && RescheduledToId is null) CancelReason = null;
        MemberDataHashedAt = now;
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

    /// <summary>
    /// The member of this displaced appointment is booked again as <paramref name="replacement"/>. The
    /// displaced appointment stays displaced (that is what happened to it) and points to where its member went.
    /// </summary>
    public void RebookAs(Appointment replacement, DateTimeOffset now)
    {
        Require(Displaced, "rebook");
        if (RebookedAsId is not null)
            throw new ConflictException(ErrorCodes.AlreadyRebooked, $"Appointment '{Id}' was rebooked as '{RebookedAsId}' already.");
        RebookedAsId = replacement.Id;
        replacement.RebookedFromId = Id;
        UpdatedAt = now;
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
