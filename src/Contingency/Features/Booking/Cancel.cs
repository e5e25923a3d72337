namespace Contingency.Features.Booking;

using System.ComponentModel.DataAnnotations;
using Contingency.Data;
using Contingency.Infrastructure.Security;
using Contingency.Data.Entities;
using FluentValidation;
using Mediator;

public sealed record CancelBody([property: HealthData] string? Reason, [property: Required] string? InitiatedBy);

public sealed record Cancel(string AppointmentId, [property: HealthData] string? Reason, string? InitiatedBy) : ICommand<AppointmentView>;

public sealed class CancelValidator : AbstractValidator<Cancel>
{
    public CancelValidator()
    {
        RuleFor(c => c.Reason).MaximumLength(Limits.MaxTextLength);
        RuleFor(c => c.InitiatedBy).NotEmpty().Must(i => Appointment.Initiators.Contains(i))
            .WithMessage("initiatedBy is member, provider or plan.");
    }
}

public sealed partial class CancelHandler(ContingencyDb db, Caller caller, TimeProvider clock, ILogger<CancelHandler> log) : ICommandHandler<Cancel, AppointmentView>
{
    public async ValueTask<AppointmentView> Handle(Cancel cmd, CancellationToken ct)
    {
        var (appointment, program) = await Transitions.LoadAsync(db, caller, cmd.AppointmentId, ct);
        appointment.Cancel(cmd.Reason?.Trim() ?? "", cmd.InitiatedBy!, clock.GetUtcNow());
        await Transitions.SaveAsync(db, appointment, ct);
        Cancelled(log, appointment.Id, appointment.CancelInitiatedBy);
        return AppointmentView.From(appointment, program.Zone);
    }

    // Who asked (member, provider or plan), never why: the reason is free text and may name the member.
    [LoggerMessage(LogLevel.Information, "Appointment {AppointmentId} cancelled by {InitiatedBy}")]
    private static partial void Cancelled(ILogger logger, string appointmentId, string? initiatedBy);
}
