namespace Contingency.Features.Booking;

using Contingency.Data;
using Contingency.Data.Calendar;
using Contingency.Data.Entities;
using Contingency.Features.Slots;
using Contingency.Infrastructure;
using FluentValidation;
using FluentValidation.Results;
using Microsoft.EntityFrameworkCore;

/// <summary>What booking and rescheduling share: finding the committed slot and making the appointment.</summary>
public static class SlotBooking
{
    public const int TimelyAccessBusinessDays = 10;

    public static async Task<(Appointment Appointment, ProgramZone Zone)> NewAppointmentAsync(
        ContingencyDb db, string providerId, DateTimeOffset start, string memberRef, string kind,
        DateOnly? previousVisitOn, string? modality, DateTimeOffset now, CancellationToken ct)
    {
        var provider = await ProviderById(db, providerId) ?? throw new NotFoundException("provider", providerId);
        if (start < now)
            throw new UnprocessableException(ErrorCodes.InThePast, $"The slot at {start:yyyy-MM-ddTHH:mmzzz} has already begun.");
        if (modality is not null && !provider.Modalities.Contains(modality))
            throw new UnprocessableException(ErrorCodes.ModalityNotOffered, $"Provider '{provider.Id}' does not offer {modality} sessions.");

        var commitments = await CommittedSlots.OfProviderAsync(db, providerId, ct);
        if (CommittedSlots.FindSlot(commitments, start) is not var (owner, slot))
            throw new UnprocessableException(ErrorCodes.NotACommittedSlot, $"{start:yyyy-MM-ddTHH:mmzzz} is not one of the committed slots of provider '{providerId}'.");

        DateOnly? dueBy = null;
        if (kind == Appointment.FollowUp)
        {
            if (previousVisitOn >= slot.Date)
                throw new ValidationException([new ValidationFailure("previousVisitOn", "previousVisitOn must be before the appointment's date.")]);
            // California's timely-access standard: a non-urgent follow-up within 10 business days.
            dueBy = BusinessDays.After(previousVisitOn!.Value, TimelyAccessBusinessDays, owner.Calendar.Holidays);
        }

        var appointment = new Appointment(Ids.New(), owner.Commitment, provider, slot.Start, slot.End, slot.Date, memberRef, kind,
            kind == Appointment.FollowUp ? previousVisitOn : null, dueBy, modality, now);
        return (appointment, owner.Calendar.Zone);
    }

    private static readonly Func<ContingencyDb, string, Task<Provider?>> ProviderById =
        EF.CompileAsyncQuery((ContingencyDb db, string id) => db.Providers.AsNoTracking().FirstOrDefault(p => p.Id == id));

    public static ConflictException SlotTaken(string providerId, DateTimeOffset start) =>
        new(ErrorCodes.SlotTaken, $"The slot of provider '{providerId}' at {start:yyyy-MM-ddTHH:mmzzz} is already booked.");
}
