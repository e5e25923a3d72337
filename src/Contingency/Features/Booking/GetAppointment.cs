namespace Contingency.Features.Booking;

using Contingency.Data;
using Contingency.Infrastructure.Security;
using Mediator;
using Microsoft.EntityFrameworkCore;

public sealed record GetAppointment(string AppointmentId) : IQuery<AppointmentView>;

public sealed class GetAppointmentHandler(ContingencyDb db, Caller caller) : IQueryHandler<GetAppointment, AppointmentView>
{
    public async ValueTask<AppointmentView> Handle(GetAppointment query, CancellationToken ct)
    {
        var appointment = await db.Appointments.AsNoTracking().FirstOrDefaultAsync(a => a.Id == query.AppointmentId, ct)
            ?? throw new NotFoundException("appointment", query.AppointmentId);
        caller.RequireVisible("appointment", appointment.Id, appointment.ProviderId);
        var program = await db.Programs.AsNoTracking().FirstAsync(p => p.Id == appointment.ProgramId, ct);
        return AppointmentView.From(appointment, program.Zone);
    }
}
