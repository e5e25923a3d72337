namespace Contingency.Features.Booking;

using Contingency.Data;
using Mediator;

public sealed record NoShow(string AppointmentId) : ICommand<AppointmentView>;

public sealed class NoShowHandler(ContingencyDb db, TimeProvider clock) : ICommandHandler<NoShow, AppointmentView>
{
    public async ValueTask<AppointmentView> Handle(NoShow cmd, CancellationToken ct)
    {
        var (appointment, program) = await Transitions.LoadAsync(db, cmd.AppointmentId, ct);
        appointment.MarkNoShow(clock.GetUtcNow());
        await Transitions.SaveAsync(db, appointment, ct);
        return AppointmentView.From(appointment, program.Zone);
    }
}
