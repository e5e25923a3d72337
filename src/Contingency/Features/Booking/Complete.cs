namespace Contingency.Features.Booking;

using Contingency.Data;
using Contingency.Infrastructure.Security;
using Mediator;

public sealed record Complete(string AppointmentId) : ICommand<AppointmentView>;

public sealed class CompleteHandler(ContingencyDb db, Caller caller, TimeProvider clock) : ICommandHandler<Complete, AppointmentView>
{
    public async ValueTask<AppointmentView> Handle(Complete cmd, CancellationToken ct)
    {
        var (appointment, program) = await Transitions.LoadAsync(db, caller, cmd.AppointmentId, ct);
        appointment.Complete(clock.GetUtcNow());
        await Transitions.SaveAsync(db, appointment, ct);
        return AppointmentView.From(appointment, program.Zone);
    }
}
