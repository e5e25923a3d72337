namespace Contingency.Features.Booking;

using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Contingency.Data;
using Contingency.Data.Entities;
using Contingency.Features.Providers;
using Contingency.Infrastructure;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

/// <summary><c>previousVisitOn</c> is required for a follow-up; the validator says so, the schema cannot.</summary>
public sealed record BookBody(
    [property: Required] string? ProviderId, [property: Required] DateTimeOffset? Start, [property: Required] string? MemberRef,
    [property: Required] string? Kind, DateOnly? PreviousVisitOn, string? Modality);

public sealed record Book(
    string? ProviderId, DateTimeOffset? Start, string? MemberRef, string? Kind, DateOnly? PreviousVisitOn, string? Modality,
    string? IdempotencyKey) : ICommand<AppointmentView>
{
    public static Book From(BookBody b, string? idempotencyKey) =>
        new(b.ProviderId, b.Start, b.MemberRef, b.Kind, b.PreviousVisitOn, b.Modality, idempotencyKey);

    /// <summary>The request's meaning, hashed: equal for the same booking however the JSON was spelled.</summary>
    public string RequestHash()
    {
        var canonical = string.Join('\n', ProviderId, Start?.UtcTicks, MemberRef, Kind, PreviousVisitOn?.ToString("O"), Modality);
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }
}

public sealed class BookValidator : AbstractValidator<Book>
{
    public BookValidator()
    {
        RuleFor(c => c.ProviderId).NotEmpty();
        RuleFor(c => c.Start).NotNull();
        RuleFor(c => c.MemberRef).NotEmpty().MaximumLength(64);
        RuleFor(c => c.Kind).NotEmpty().Must(k => k is Appointment.Intake or Appointment.FollowUp)
            .WithMessage("kind is intake or follow-up.");
        RuleFor(c => c.PreviousVisitOn).NotNull().When(c => c.Kind == Appointment.FollowUp)
            .WithMessage("A follow-up needs previousVisitOn.");
        RuleFor(c => c.Modality).Must(m => m is null || Vocabulary.Modalities.Contains(m))
            .WithMessage($"modality is one of {string.Join(", ", Vocabulary.Modalities)}.");
        RuleFor(c => c.IdempotencyKey).MaximumLength(200);
    }
}

public sealed class BookHandler(ContingencyDb db, TimeProvider clock, IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json,
    ILogger<BookHandler> log) : ICommandHandler<Book, AppointmentView>
{
    public async ValueTask<AppointmentView> Handle(Book cmd, CancellationToken ct)
    {
        var key = cmd.IdempotencyKey is { Length: > 0 } k ? $"appointments:{k}" : null;
        var hash = cmd.RequestHash();
        if (key is not null && await ReplayAsync(key, hash, ct) is { } replay) return replay;

        var now = clock.GetUtcNow();
        var (appointment, zone) = await SlotBooking.NewAppointmentAsync(db, cmd.ProviderId!, cmd.Start!.Value, cmd.MemberRef!,
            cmd.Kind!, cmd.PreviousVisitOn, cmd.Modality, now, ct);
        var view = AppointmentView.From(appointment, zone);

        db.Appointments.Add(appointment);
        if (key is not null)
            // Stored in the same transaction as the booking: both are there, or neither.
            db.IdempotencyRecords.Add(new IdempotencyRecord(key, hash, appointment.Id,
                JsonSerializer.Serialize(view, json.Value.SerializerOptions), now));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            db.ChangeTracker.Clear();
            // Either the same key raced in first (replay it) or the slot was taken by someone else.
            if (key is not null && await ReplayAsync(key, hash, ct) is { } raced) return raced;
            throw SlotBooking.SlotTaken(appointment.ProviderId, view.Start);
        }
        log.LogInformation("Appointment {AppointmentId} booked with provider {ProviderId} at {Start}",
            appointment.Id, appointment.ProviderId, view.Start);
        return view;
    }

    private async Task<AppointmentView?> ReplayAsync(string key, string hash, CancellationToken ct)
    {
        var record = await db.IdempotencyRecords.AsNoTracking().FirstOrDefaultAsync(r => r.Key == key, ct);
        if (record is null) return null;
        if (record.RequestHash != hash)
            throw new UnprocessableException(ErrorCodes.IdempotencyKeyReused, "This Idempotency-Key was first used with a different request.");
        return JsonSerializer.Deserialize<AppointmentView>(record.Response, json.Value.SerializerOptions);
    }
}
