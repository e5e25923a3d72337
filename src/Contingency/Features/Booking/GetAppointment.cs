namespace Contingency.Features.Booking;

using Contingency.Data;
using Mediator;
using Microsoft.EntityFrameworkCore;

public sealed record GetAppointment(string AppointmentId) : IQuery<AppointmentView>;

public sealed class GetAppointmentHandler(ContingencyDb db) : IQueryHandler<GetAppointment, AppointmentView>
{
    public async ValueTask<AppointmentView> Handle(GetAppointment query, CancellationToken ct)
    {
        var appointment = await db.Appointments.AsNoTracking().FirstOrDefaultAsync(a => a.Id == query.AppointmentId, ct)
            ?? throw new NotFoundException("appointment", query.AppointmentId);
        var program = await db.Programs.AsNoTracking().FirstAsync(p => p.Id == appointment.ProgramId, ct);
        return AppointmentView.From(appointment, program.Zone);
    }
}
