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
        var commitments = await CommittedSlots.OfProviderAsync(db, providerId, ct);
        var found = CommittedSlots.FindSlot(commitments, start);
        // A slot of a closed program is refused as such, though it is in the past too.
        found?.Owner.Program.RequireOpen();
        Appointment.RequireNotBegun(start, now);
        if (found is not var (owner, slot))
            throw NotACommittedSlot(providerId, start);
        var appointment = new Appointment(Ids.New(), owner.Commitment, provider, slot, owner.Calendar.Holidays,
            memberRef, kind, previousVisitOn, modality, now);
        return (appointment, owner.Calendar.Zone);
    }

    /// <summary>
    /// Saves a replacement appointment and whatever else the context changed (the old appointment moved
    /// on) in one transaction, the replacement slot's commitment row taken first, in the order a booking's
    /// trigger and a withdrawal take it (the save would otherwise lock the old appointment first and, on
    /// a server, could deadlock with a booking of the freed slot or a withdrawal). A slot taken or no
    /// longer committed meanwhile is refused with its code; a change of the old appointment meanwhile
    /// comes out as <see cref="DbUpdateConcurrencyException"/> for the caller to judge.
    /// </summary>
    public static async Task SaveReplacementAsync(ContingencyDb db, Appointment replacement, ProgramZone zone, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var tx = await db.Database.BeginTransactionAsync(ct);
                await db.Commitments.Where(c => c.Id == replacement.CommitmentId)
                    .ExecuteUpdateAsync(u => u.SetProperty(c => c.EndsOn, c => c.EndsOn), ct);
                // The changes stay pending until the commit holds, so a save the database ends (even at the
                // commit) can run again with exactly the same changes.
                await db.SaveChangesAsync(acceptAllChangesOnSuccess: false, ct);
                await tx.CommitAsync(ct);
                db.ChangeTracker.AcceptAllChanges();
                return;
            }
            // Chosen as a deadlock victim (two replacements crossing between the same two days take their
            // BookedCounts rows in opposite orders): nothing was written, so the same save runs again once
            // the other has committed. A save that keeps losing is 409 concurrent-update, as elsewhere.
            catch (Exception e) when (e.IsTransientConflict() && attempt < ReplacementAttempts)
            {
            }
            catch (DbUpdateException e) when (LostToWithdrawal(e))
            {
                db.ChangeTracker.Clear();
                throw NotACommittedSlot(replacement.ProviderId, zone.ToLocal(replacement.Start));
            }
            catch (DbUpdateException e) when (e.IsUniqueViolation())
            {
                db.ChangeTracker.Clear();
                throw SlotTaken(replacement.ProviderId, zone.ToLocal(replacement.Start));
            }
        }
    }

    private const int ReplacementAttempts = 3;

    /// <summary>
    /// The database refused the insert because the commitment no longer covers the slot's day: a
    /// withdrawal committed after the slot was looked up. The booking is refused as if it had come
    /// second. (Triggers on Appointments keep this rule and raise the commitment's BookingsVersion,
    /// which a withdrawal still in flight saves against: see Commitment.Withdraw.)
    /// </summary>
    public static bool LostToWithdrawal(DbUpdateException e) => e.IsRefusedByTrigger(ErrorCodes.NotACommittedSlot);

    private static readonly Func<ContingencyDb, string, Task<Provider?>> ProviderById =
        EF.CompileAsyncQuery((ContingencyDb db, string id) => db.Providers.AsNoTracking().FirstOrDefault(p => p.Id == id));

    public static ConflictException SlotTaken(string providerId, DateTimeOffset start) =>
        new(ErrorCodes.SlotTaken, $"The slot of provider '{providerId}' at {start:yyyy-MM-ddTHH:mmzzz} is already booked.");

    public static UnprocessableException NotACommittedSlot(string providerId, DateTimeOffset start) =>
        new(ErrorCodes.NotACommittedSlot, $"{start:yyyy-MM-ddTHH:mmzzz} is not one of the committed slots of provider '{providerId}'.");
}
