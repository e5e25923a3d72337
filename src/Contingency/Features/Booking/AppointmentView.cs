namespace Contingency.Features.Booking;

using Contingency.Data;
using Contingency.Data.Calendar;
using Contingency.Data.Entities;

public sealed record AppointmentView(
    string Id, string ProgramId, string ProviderId, string CommitmentId, DateTimeOffset Start, DateTimeOffset End,
    string Status, string Kind, [property: HealthData] string MemberRef, string? Modality, [property: HealthData] DateOnly? PreviousVisitOn, [property: HealthData] DateOnly? FollowUpDueBy,
    [property: HealthData] bool? TimelyAccessMet, [property: HealthData] string? CancelReason, string? CancelInitiatedBy, string? RescheduledFromId, string? RescheduledToId,
    string? RebookedFrom, string? RebookedAs)
{
    /// <summary>Instants are shown with the offset in force at that moment in the program's zone.</summary>
    public static AppointmentView From(Appointment a, ProgramZone zone) => new(
        a.Id, a.ProgramId, a.ProviderId, a.CommitmentId, zone.ToLocal(a.Start), zone.ToLocal(a.End), a.Status, a.Kind,
        a.MemberRef, a.Modality, a.PreviousVisitOn, a.FollowUpDueBy, a.TimelyAccessMet, a.CancelReason,
        a.CancelInitiatedBy, a.RescheduledFromId, a.RescheduledToId, a.RebookedFromId, a.RebookedAsId);
}
