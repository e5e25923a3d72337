namespace Contingency.Features.Booking;

using Contingency.Data;
using Contingency.Infrastructure.Security;
using Mediator;

public sealed record NoShow(string AppointmentId) : ICommand<AppointmentView>;

public sealed class NoShowHandler(ContingencyDb db, Caller caller, TimeProvider clock) : ICommandHandler<NoShow, AppointmentView>
{
    public async ValueTask<AppointmentView> Handle(NoShow cmd, CancellationToken ct)
    {
        var (appointment, program) = await Transitions.LoadAsync(db, caller, cmd.AppointmentId, ct);
        appointment.MarkNoShow(clock.GetUtcNow());
        await Transitions.SaveAsync(db, appointment, ct);
        return AppointmentView.From(appointment, program.Zone);
    }
}
