namespace Contingency.Features.Booking;

using Contingency.Data.Entities;

/// <summary>The transitions an appointment's screen offers: those its status allows (only a booked appointment changes).</summary>
public static class AppointmentActions
{
    public const string Cancel = "cancel";
    public const string Complete = "complete";
    public const string NoShow = "no-show";
    public const string Reschedule = "reschedule";

    public static IReadOnlyList<string> Allowed(string status) =>
        status == Appointment.Booked ? [Cancel, Complete, NoShow, Reschedule] : [];

    public static string Label(string action) => action switch
    {
        Cancel => "Cancel",
        Complete => "Complete",
        NoShow => "No-show",
        Reschedule => "Reschedule",
        _ => action,
    };
}
