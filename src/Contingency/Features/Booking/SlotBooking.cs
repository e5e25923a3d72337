namespace Contingency.Features.Booking;

using Contingency.Data;
using Contingency.Data.Calendar;
using Contingency.Data.Entities;
using Contingency.Features.Slots;
using Contingency.Infrastructure;
using Microsoft.EntityFrameworkCore;

/// <summary>What booking and rescheduling share: finding the committed slot, making the appointment, holding the slot.</summary>
public static class SlotBooking
{
    public static async Task<(Appointment Appointment, ProgramZone Zone)> NewAppointmentAsync(
        ContingencyDb db, string providerId, DateTimeOffset start, string memberRef, string kind,
        DateOnly? previousVisitOn, string? modality, DateTimeOffset now, CancellationToken ct)
    {
        var provider = await ProviderById(db, providerId) ?? throw new NotFoundException("provider", providerId);
        Appointment.RequireNotBegun(start, now);
        var commitments = await CommittedSlots.OfProviderAsync(db, providerId, ct);
        if (CommittedSlots.FindSlot(commitments, start) is not var (owner, slot))
            throw NotACommittedSlot(providerId, start);
        var appointment = new Appointment(Ids.New(), owner.Commitment, provider, slot, owner.Calendar.Holidays,
            memberRef, kind, previousVisitOn, modality, now);
        return (appointment, owner.Calendar.Zone);
    }

    /// <summary>
    /// Inside the booking's transaction, before its insert: raises the owning commitment's
    /// BookingsVersion, but only while the commitment still covers the slot's day. A withdrawal that
    /// committed since the slot was looked up leaves nothing to update, and the booking is refused as
    /// if it had come second; one still in flight fails on the version instead (Commitment.Withdraw).
    /// </summary>
    public static async Task HoldAsync(ContingencyDb db, Appointment appointment, CancellationToken ct)
    {
        var day = appointment.LocalDate;
        var held = await db.Commitments
            .Where(c => c.Id == appointment.CommitmentId && c.EndsOn >= day)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.BookingsVersion, c => c.BookingsVersion + 1), ct);
        if (held == 0) throw NotACommittedSlot(appointment.ProviderId, appointment.Start);
    }

    private static readonly Func<ContingencyDb, string, Task<Provider?>> ProviderById =
        EF.CompileAsyncQuery((ContingencyDb db, string id) => db.Providers.AsNoTracking().FirstOrDefault(p => p.Id == id));

    public static ConflictException SlotTaken(string providerId, DateTimeOffset start) =>
        new(ErrorCodes.SlotTaken, $"The slot of provider '{providerId}' at {start:yyyy-MM-ddTHH:mmzzz} is already booked.");

    private static UnprocessableException NotACommittedSlot(string providerId, DateTimeOffset start) =>
        new(ErrorCodes.NotACommittedSlot, $"{start:yyyy-MM-ddTHH:mmzzz} is not one of the committed slots of provider '{providerId}'.");
}
