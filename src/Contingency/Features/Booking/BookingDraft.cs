namespace Contingency.Features.Booking;

using Contingency.Data;
using Contingency.Data.Entities;

/// <summary>
/// A booking being filled in for one free slot. Its <see cref="IdempotencyKey"/> is made when the form
/// opens and sent with every submit of it, so a double click or a retry books once whatever the button does.
/// </summary>
public sealed class BookingDraft(string providerId, DateTimeOffset start)
{
    public string ProviderId { get; } = providerId;
    public DateTimeOffset Start { get; } = start;
    public string IdempotencyKey { get; } = Guid.NewGuid().ToString();

    [HealthData] public string MemberRef { get; set; } = "";
    public string Kind { get; set; } = Appointment.Intake;
    [HealthData] public DateOnly? PreviousVisitOn { get; set; }
    public string Modality { get; set; } = "";

    /// <summary>What still keeps the form from being sent, in a sentence; null when it may be sent.</summary>
    public string? Missing() =>
        MemberRef.Trim().Length == 0 ? "Enter the member reference."
        : Kind == Appointment.FollowUp && PreviousVisitOn is null ? "A follow-up needs the date of the previous visit."
        : null;

    public BookBody Body() => new(ProviderId, Start, MemberRef.Trim(), Kind,
        Kind == Appointment.FollowUp ? PreviousVisitOn : null, Modality.Length > 0 ? Modality : null);
}
