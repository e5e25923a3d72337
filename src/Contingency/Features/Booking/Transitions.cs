namespace Contingency.Features.Booking;

using Contingency.Data;
using Contingency.Data.Entities;
using Contingency.Infrastructure.Security;
using Microsoft.EntityFrameworkCore;

/// <summary>Loading an appointment for a transition and saving it with its status as concurrency token.</summary>
internal static class Transitions
{
    /// <summary>A provider reaches its own appointments only: another's is not found.</summary>
    public static async Task<(Appointment Appointment, CareProgram Program)> LoadAsync(ContingencyDb db, Caller caller, string id, CancellationToken ct)
    {
        var appointment = await db.Appointments.FindAsync([id], ct) ?? throw new NotFoundException("appointment", id);
        caller.RequireVisible("appointment", id, appointment.ProviderId);
        var program = await db.Programs.AsNoTracking().FirstAsync(p => p.Id == appointment.ProgramId, ct);
        program.RequireOpen();
        return (appointment, program);
    }

    /// <summary>
    /// Saves, and turns a lost race (another request changed the status first) into the same
    /// 409 the loser would have got had it come second.
    /// </summary>
    public static async Task SaveAsync(ContingencyDb db, Appointment appointment, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw await LostRaceAsync(db, appointment.Id, ct);
        }
    }

    /// <summary>Another request changed the appointment's status first: the state no longer allows this change.</summary>
    public static async Task<ConflictException> LostRaceAsync(ContingencyDb db, string appointmentId, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        var now = await db.Appointments.AsNoTracking().Where(a => a.Id == appointmentId).Select(a => a.Status).FirstAsync(ct);
        return new ConflictException(ErrorCodes.InvalidTransition, $"The appointment became {now} meanwhile.");
    }
}
