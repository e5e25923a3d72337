namespace Contingency.Features.Booking;

using System.ComponentModel.DataAnnotations;
using Contingency.Data;
using Contingency.Data.Entities;
using Contingency.Features.Programs;
using Contingency.Infrastructure;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;

public sealed record RescheduleBody([property: Required] string? ProviderId, [property: Required] DateTimeOffset? Start);

public sealed record Reschedule(string AppointmentId, string? ProviderId, DateTimeOffset? Start) : ICommand<AppointmentView>;

public sealed class RescheduleValidator : AbstractValidator<Reschedule>
{
    public RescheduleValidator()
    {
        RuleFor(c => c.ProviderId).NotEmpty().MaximumLength(Ids.MaxLength);
        RuleFor(c => c.Start).NotNull().ServiceInstant();
    }
}

/// <summary>
/// Books the new slot and cancels the old appointment in one transaction: if the new slot is
/// taken, or no longer committed, or the old appointment changed meanwhile, nothing changes.
/// </summary>
public sealed partial class RescheduleHandler(ContingencyDb db, TimeProvider clock, ILogger<RescheduleHandler> log)
    : ICommandHandler<Reschedule, AppointmentView>
{
    public async ValueTask<AppointmentView> Handle(Reschedule cmd, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var old = await db.Appointments.FindAsync([cmd.AppointmentId], ct) ?? throw new NotFoundException("appointment", cmd.AppointmentId);
        await ProgramGuard.RequireOpenAsync(db, old.ProgramId, ct);
        if (old.Status != Appointment.Booked)
            throw new ConflictException(ErrorCodes.InvalidTransition, $"Cannot reschedule an appointment that is {old.Status}.");

        var (replacement, zone) = await SlotBooking.NewAppointmentAsync(db, cmd.ProviderId!, cmd.Start!.Value, old.MemberRef,
            old.Kind, old.PreviousVisitOn, old.Modality, now, ct);
        if (replacement.ProviderId == old.ProviderId && replacement.Start == old.Start)
            throw SlotBooking.SlotTaken(old.ProviderId, zone.ToLocal(old.Start));

        old.RescheduleTo(replacement, now);
        db.Appointments.Add(replacement);
        try
        {
            await SlotBooking.SaveReplacementAsync(db, replacement, zone, ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            // The old appointment's status changed first: judged again as if this request came second.
            throw await Transitions.LostRaceAsync(db, old.Id, ct);
        }
        Rescheduled(log, old.Id, replacement.Id);
        return AppointmentView.From(replacement, zone);
    }

    [LoggerMessage(LogLevel.Information, "Appointment {AppointmentId} rescheduled to {ReplacementId}")]
    private static partial void Rescheduled(ILogger logger, string appointmentId, string replacementId);
}
