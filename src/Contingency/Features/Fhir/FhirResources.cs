namespace Contingency.Features.Fhir;

using System.Globalization;
using Contingency.Data.Calendar;
using Contingency.Data.Entities;
using Hl7.Fhir.Model;
using Appointment = Contingency.Data.Entities.Appointment;
using FhirAppointment = Hl7.Fhir.Model.Appointment;
using Slot = Hl7.Fhir.Model.Slot;

/// <summary>
/// The service's records as FHIR R4 resources. Ids are the API's ids; a Slot, which the service
/// computes rather than stores, is named by its commitment and its start (<see cref="SlotId"/>).
/// A member appears as an identifier on the appointment, never by name.
/// </summary>
public static class FhirResources
{
    public const string NpiSystem = "http://hl7.org/fhir/sid/us-npi";
    public const string CancellationReasons = "http://terminology.hl7.org/CodeSystem/appointment-cancellation-reason";
    public const string AppointmentTypes = "http://terminology.hl7.org/CodeSystem/v2-0276";
    public const string Languages = "urn:ietf:bcp:47";

    public static Practitioner PractitionerOf(Provider p) => new()
    {
        Id = p.Id,
        Active = p.Status == Provider.Active,
        Identifier = { new Identifier(NpiSystem, p.Npi) },
        Name = { new HumanName { Text = p.Name } },
        Qualification =
        {
            new Practitioner.QualificationComponent
            {
                Identifier = { new Identifier { Value = p.LicenseNumber } },
                Code = new CodeableConcept { Text = p.LicenseType },
            },
        },
        Communication = p.Languages.Select(l => new CodeableConcept(Languages, l)).ToList(),
    };

    public static Schedule ScheduleOf(Commitment c) => new()
    {
        Id = c.Id,
        Active = c.Status == Commitment.Active,
        Actor = { new ResourceReference($"Practitioner/{c.ProviderId}") },
        // Dates, not times: the commitment's first and last day, whole. One withdrawn before its first
        // day has no days at all, and so no horizon.
        PlanningHorizon = c.EndsOn >= c.StartsOn ? new Period { Start = Day(c.StartsOn), End = Day(c.EndsOn) } : null,
        Comment = $"{c.SlotsPerDay} slot(s) a day from {c.FirstSlotAt:HH\\:mm} on {string.Join(", ", c.Weekdays.Days)}; program {c.ProgramId}",
    };

    public static Slot SlotOf(string commitmentId, ProgramZone zone, Data.Calendar.Slot slot, bool held) => new()
    {
        Id = SlotId(commitmentId, slot.Start),
        Schedule = new ResourceReference($"Schedule/{commitmentId}"),
        Status = held ? Hl7.Fhir.Model.Slot.SlotStatus.Busy : Hl7.Fhir.Model.Slot.SlotStatus.Free,
        Start = zone.ToLocal(slot.Start),
        End = zone.ToLocal(slot.End),
    };

    public static FhirAppointment AppointmentOf(Appointment a, ProgramZone zone, string memberSystem)
    {
        var resource = new FhirAppointment
        {
            Id = a.Id,
            Status = StatusOf(a.Status),
            Comment = a.Status == Appointment.Unresolved ? "Unresolved: its program closed with no outcome recorded for it." : null,
            CancelationReason = CancellationOf(a),
            AppointmentType = a.Kind == Appointment.FollowUp
                ? new CodeableConcept(AppointmentTypes, "FOLLOWUP", "A follow up visit from a previous appointment", "follow-up")
                : new CodeableConcept { Text = "intake" },
            Start = zone.ToLocal(a.Start),
            End = zone.ToLocal(a.End),
            MinutesDuration = (int)(a.End - a.Start).TotalMinutes,
            Created = Day(DateOnly.FromDateTime(zone.ToLocal(a.CreatedAt).DateTime)),
            Participant =
            {
                new FhirAppointment.ParticipantComponent
                {
                    Actor = new ResourceReference($"Practitioner/{a.ProviderId}"),
                    Required = FhirAppointment.ParticipantRequired.Required,
                    Status = ParticipationStatus.Accepted,
                },
                new FhirAppointment.ParticipantComponent
                {
                    // The plan's own reference for the member, as an identifier: no name, nothing more. Once
                    // retention replaced it with its hash, the hash is no identifier in the plan's system.
                    Actor = new ResourceReference
                    {
                        Type = "Patient",
                        Identifier = new Identifier(a.MemberDataHashedAt is null ? memberSystem : HashedMemberSystem, a.MemberRef),
                    },
                    Required = FhirAppointment.ParticipantRequired.Required,
                    Status = ParticipationStatus.Accepted,
                },
            },
        };
        // The slot it holds; one given up may since hold someone else, or no longer exist.
        if (a.HeldSlot is { } held) resource.Slot.Add(new ResourceReference($"Slot/{SlotId(a.CommitmentId, held)}"));
        return resource;
    }

    /// <summary>The system of a member reference replaced by its one-way hash (README, "Retention"): it names no one.</summary>
    public const string HashedMemberSystem = "urn:contingency:hashed-member";

    public static FhirAppointment.AppointmentStatus StatusOf(string status) => status switch
    {
        // FHIR has no status for "the program closed with no outcome recorded": it stays as it last was, booked,
        // and its comment says so (see Comment).
        Appointment.Booked or Appointment.Unresolved => FhirAppointment.AppointmentStatus.Booked,
        Appointment.Completed => FhirAppointment.AppointmentStatus.Fulfilled,
        Appointment.NoShow => FhirAppointment.AppointmentStatus.Noshow,
        Appointment.Cancelled or Appointment.Displaced => FhirAppointment.AppointmentStatus.Cancelled,
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "An appointment status with no FHIR equivalent."),
    };

    /// <summary>Who cancelled, as FHIR's codes have it; the reason typed is member data and stays out.</summary>
    private static CodeableConcept? CancellationOf(Appointment a)
    {
        if (a.Status == Appointment.Displaced)
            return new CodeableConcept(CancellationReasons, "prov", "Provider", "Displaced: the provider withdrew from this day");
        if (a.Status != Appointment.Cancelled) return null;
        if (a.RescheduledToId is not null) return new CodeableConcept(CancellationReasons, "other", "Other", "Rescheduled");
        return a.CancelInitiatedBy switch
        {
            "member" => new CodeableConcept(CancellationReasons, "pat", "Patient", "Cancelled by the member"),
            "provider" => new CodeableConcept(CancellationReasons, "prov", "Provider", "Cancelled by the provider"),
            _ => new CodeableConcept(CancellationReasons, "other", "Other", "Cancelled by the plan"),
        };
    }

    /// <summary>A slot's id: its commitment's and its start in UTC to the minute, <c>{commitmentId}-yyyyMMddHHmm</c>.</summary>
    public static string SlotId(string commitmentId, DateTimeOffset start) =>
        $"{commitmentId}-{start.UtcDateTime.ToString("yyyyMMddHHmm", CultureInfo.InvariantCulture)}";

    public static bool TryParseSlotId(string id, out string commitmentId, out DateTimeOffset start)
    {
        commitmentId = "";
        start = default;
        var dash = id.LastIndexOf('-');
        if (dash < 1) return false;
        commitmentId = id[..dash];
        return DateTimeOffset.TryParseExact(id[(dash + 1)..], "yyyyMMddHHmm", CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out start);
    }

    private static string Day(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
