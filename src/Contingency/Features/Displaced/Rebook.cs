namespace Contingency.Features.Displaced;

using System.ComponentModel.DataAnnotations;
using Contingency.Data;
using Contingency.Data.Entities;
using Contingency.Features.Booking;
using Contingency.Features.Programs;
using Contingency.Infrastructure;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;

public sealed record RebookBody([property: Required] string? ProviderId, [property: Required] DateTimeOffset? Start);

public sealed record Rebook(string AppointmentId, string? ProviderId, DateTimeOffset? Start) : ICommand<AppointmentView>;

public sealed class RebookValidator : AbstractValidator<Rebook>
{
    public RebookValidator()
    {
        RuleFor(c => c.ProviderId).NotEmpty().MaximumLength(Ids.MaxLength);
        RuleFor(c => c.Start).NotNull().ServiceInstant();
    }
}

/// <summary>
/// Books the member of a displaced appointment again, by the same path as a booking (one winner per
/// slot, the slot still committed when the row is written), and links the two in the same transaction:
/// the displaced appointment's <c>rebookedAs</c> and the new one's <c>rebookedFrom</c>. The new
/// appointment keeps the member, kind, previous visit and modality of the displaced one, so a
/// follow-up keeps its due date.
/// </summary>
public sealed partial class RebookHandler(ContingencyDb db, TimeProvider clock, ILogger<RebookHandler> log)
    : ICommandHandler<Rebook, AppointmentView>
{
    public async ValueTask<AppointmentView> Handle(Rebook cmd, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var displaced = await db.Appointments.FindAsync([cmd.AppointmentId], ct) ?? throw new NotFoundException("appointment", cmd.AppointmentId);
        await ProgramGuard.RequireOpenAsync(db, displaced.ProgramId, ct);
        if (displaced.Status != Appointment.Displaced)
            throw new ConflictException(ErrorCodes.InvalidTransition, $"Only a displaced appointment is rebooked; this one is {displaced.Status}.");
        if (displaced.RebookedAsId is { } already)
            throw new ConflictException(ErrorCodes.AlreadyRebooked, $"Appointment '{displaced.Id}' was rebooked as '{already}' already.");

        var (replacement, zone) = await SlotBooking.NewAppointmentAsync(db, cmd.ProviderId!, cmd.Start!.Value, displaced.MemberRef,
            displaced.Kind, displaced.PreviousVisitOn, displaced.Modality, now, ct);
        if (replacement.ProgramId != displaced.ProgramId)
            throw new UnprocessableException(ErrorCodes.OutsideProgram, "The slot is not in the displaced appointment's program.");

        displaced.RebookAs(replacement, now);
        db.Appointments.Add(replacement);
        try
        {
            await SlotBooking.SaveReplacementAsync(db, replacement, zone, ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            // Another rebooking of the same appointment saved first: judged again as if this one came second.
            db.ChangeTracker.Clear();
            var winner = await db.Appointments.AsNoTracking().Where(a => a.Id == displaced.Id).Select(a => a.RebookedAsId).FirstAsync(ct);
            throw new ConflictException(ErrorCodes.AlreadyRebooked, $"Appointment '{displaced.Id}' was rebooked as '{winner}' meanwhile.");
        }
        Rebooked(log, displaced.Id, replacement.Id);
        return AppointmentView.From(replacement, zone);
    }

    [LoggerMessage(LogLevel.Information, "Displaced appointment {AppointmentId} rebooked as {ReplacementId}")]
    private static partial void Rebooked(ILogger logger, string appointmentId, string replacementId);
}
