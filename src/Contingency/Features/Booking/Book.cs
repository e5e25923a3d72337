namespace Contingency.Features.Booking;

using System.ComponentModel.DataAnnotations;
using Contingency.Data;
using Contingency.Data.Entities;
using Contingency.Infrastructure;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;

/// <summary><c>previousVisitOn</c> is required for a follow-up; the validator says so, the schema cannot.</summary>
public sealed record BookBody(
    [property: Required] string? ProviderId, [property: Required] DateTimeOffset? Start, [property: HealthData] [property: Required] string? MemberRef,
    [property: Required] string? Kind, [property: HealthData] DateOnly? PreviousVisitOn, string? Modality);

public sealed record Book(
    string? ProviderId, DateTimeOffset? Start, [property: HealthData] string? MemberRef, string? Kind, [property: HealthData] DateOnly? PreviousVisitOn, string? Modality,
    string? IdempotencyKey) : ICommand<AppointmentView>
{
    public static Book From(BookBody b, string? idempotencyKey) =>
        new(b.ProviderId, b.Start, b.MemberRef, b.Kind, b.PreviousVisitOn, b.Modality, idempotencyKey);

    /// <summary>The request's meaning, hashed: equal for the same booking however the JSON was spelled.</summary>
    public string RequestHash() =>
        Idempotency.Hash(ProviderId, Start?.UtcTicks, MemberRef, Kind, PreviousVisitOn?.ToString("O"), Modality);
}

public sealed class BookValidator : AbstractValidator<Book>
{
    public BookValidator()
    {
        RuleFor(c => c.ProviderId).NotEmpty().MaximumLength(Ids.MaxLength);
        RuleFor(c => c.Start).NotNull().ServiceInstant();
        RuleFor(c => c.MemberRef).NotEmpty().MaximumLength(Appointment.MaxMemberRefLength);
        RuleFor(c => c.Kind).NotEmpty().Must(k => k is Appointment.Intake or Appointment.FollowUp)
            .WithMessage("kind is intake or follow-up.");
        RuleFor(c => c.PreviousVisitOn).NotNull().When(c => c.Kind == Appointment.FollowUp)
            .WithMessage("A follow-up needs previousVisitOn.");
        RuleFor(c => c.PreviousVisitOn).ServiceDate();
        RuleFor(c => c.Modality).Must(m => m is null || Vocabulary.Modalities.Contains(m))
            .WithMessage($"modality is one of {string.Join(", ", Vocabulary.Modalities)}.");
        RuleFor(c => c.IdempotencyKey).MaximumLength(Idempotency.MaxKeyLength);
    }
}

public sealed partial class BookHandler(ContingencyDb db, Idempotency idempotency, TimeProvider clock, ILogger<BookHandler> log)
    : ICommandHandler<Book, AppointmentView>
{
    public async ValueTask<AppointmentView> Handle(Book cmd, CancellationToken ct)
    {
        var key = idempotency.KeyOf("appointments", cmd.IdempotencyKey);
        var hash = cmd.RequestHash();
        if (await idempotency.ReplayAsync<AppointmentView>(key, hash, ct) is { } replay) return replay;

        var now = clock.GetUtcNow();
        var (appointment, zone) = await SlotBooking.NewAppointmentAsync(db, cmd.ProviderId!, cmd.Start!.Value, cmd.MemberRef!,
            cmd.Kind!, cmd.PreviousVisitOn, cmd.Modality, now, ct);
        var view = AppointmentView.From(appointment, zone);
        db.Appointments.Add(appointment);
        // Recorded in the booking's transaction: both are there, or neither.
        idempotency.Record(key, hash, appointment.Id, view, now);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (SlotBooking.LostToWithdrawal(e))
        {
            db.ChangeTracker.Clear();
            throw SlotBooking.NotACommittedSlot(appointment.ProviderId, view.Start);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            db.ChangeTracker.Clear();
            // Either the same key raced in first (replay it) or the slot went to someone else.
            if (await idempotency.ReplayAsync<AppointmentView>(key, hash, ct) is { } raced) return raced;
            throw SlotBooking.SlotTaken(appointment.ProviderId, view.Start);
        }
        Booked(log, appointment.Id, appointment.ProviderId, view.Start);
        return view;
    }

    [LoggerMessage(LogLevel.Information, "Appointment {AppointmentId} booked with provider {ProviderId} at {Start}")]
    private static partial void Booked(ILogger logger, string appointmentId, string providerId, DateTimeOffset start);
}
