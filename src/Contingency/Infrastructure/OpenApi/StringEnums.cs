namespace Contingency.Infrastructure.OpenApi;

using Contingency.Data;
using Contingency.Data.Entities;
using Contingency.Features.Booking;
using Contingency.Features.Capacity;
using Contingency.Features.Commitments;
using Contingency.Features.Payments;
using Contingency.Features.Providers;
using Contingency.Features.Slots;

/// <summary>
/// The words each string field of the API takes, for the OpenAPI document. C# carries these fields as
/// strings (the validators name the field when a word is wrong); the lists themselves live with the
/// feature or entity that owns them and are only pointed at here.
/// </summary>
public static class StringEnums
{
    private static readonly string[] AppointmentStatuses = Appointment.Statuses;
    private static readonly string[] AppointmentKinds = [Appointment.Intake, Appointment.FollowUp];
    private static readonly string[] CommitmentStatuses = [Commitment.Active, Commitment.Withdrawn];
    private static readonly string[] PaymentKinds = [Payment.SigningBonus, Payment.Advance, Payment.Adjustment];
    private static readonly string[] PaymentStatuses = [Payment.Scheduled, Payment.Released, Payment.Cancelled];
    private static readonly string[] SlotStatuses = [SlotStatus.Free, SlotStatus.Booked];
    private static readonly string[] CapacityPeriods = ["week", "day"];

    /// <summary>Body and answer fields, by record and property.</summary>
    private static readonly Dictionary<(Type Record, string Property), IReadOnlyList<string>> Properties = new()
    {
        [(typeof(Enroll), nameof(Enroll.LicenseType))] = Vocabulary.LicenseTypes,
        [(typeof(Enroll), nameof(Enroll.Modalities))] = Vocabulary.Modalities,
        [(typeof(ProviderView), nameof(ProviderView.LicenseType))] = Vocabulary.LicenseTypes,
        [(typeof(ProviderView), nameof(ProviderView.Modalities))] = Vocabulary.Modalities,
        [(typeof(CommitmentView), nameof(CommitmentView.Status))] = CommitmentStatuses,
        [(typeof(ProviderSlotView), nameof(ProviderSlotView.Status))] = SlotStatuses,
        [(typeof(BookBody), nameof(BookBody.Kind))] = AppointmentKinds,
        [(typeof(BookBody), nameof(BookBody.Modality))] = Vocabulary.Modalities,
        [(typeof(CancelBody), nameof(CancelBody.InitiatedBy))] = Contingency.Data.Entities.Appointment.Initiators,
        [(typeof(AppointmentView), nameof(AppointmentView.Status))] = AppointmentStatuses,
        [(typeof(AppointmentView), nameof(AppointmentView.Kind))] = AppointmentKinds,
        [(typeof(AppointmentView), nameof(AppointmentView.Modality))] = Vocabulary.Modalities,
        [(typeof(AppointmentView), nameof(AppointmentView.CancelInitiatedBy))] = Contingency.Data.Entities.Appointment.Initiators,
        [(typeof(CapacityView), nameof(CapacityView.By))] = CapacityPeriods,
        [(typeof(PaymentView), nameof(PaymentView.Kind))] = PaymentKinds,
        [(typeof(PaymentView), nameof(PaymentView.Status))] = PaymentStatuses,
    };

    /// <summary>Query parameters, by name: each name means the same thing on every route that takes it.</summary>
    private static readonly Dictionary<string, IReadOnlyList<string>> QueryParameters = new()
    {
        ["by"] = CapacityPeriods,
        ["licenseType"] = Vocabulary.LicenseTypes,
        ["modality"] = Vocabulary.Modalities,
    };

    public static IReadOnlyList<string>? OfProperty(Type record, string property) =>
        Properties.GetValueOrDefault((record, property));

    public static IReadOnlyList<string>? OfQueryParameter(string name) => QueryParameters.GetValueOrDefault(name);
}
