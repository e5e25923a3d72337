namespace Contingency.Features.Fhir;

using Contingency.Data;
using Contingency.Features.Payments;
using Contingency.Infrastructure.Security;
using Hl7.Fhir.Model;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

/// <summary><c>GET /fhir/Appointment/{id}</c>.</summary>
public sealed record ReadAppointment(string Id) : IQuery<Resource>;

public sealed class ReadAppointmentHandler(ContingencyDb db, Caller caller, IOptions<FhirSettings> settings) : IQueryHandler<ReadAppointment, Resource>
{
    public async ValueTask<Resource> Handle(ReadAppointment query, CancellationToken ct)
    {
        var appointment = await db.Appointments.AsNoTracking().FirstOrDefaultAsync(a => a.Id == query.Id, ct)
            ?? throw new NotFoundException("Appointment", query.Id);
        caller.RequireVisible("Appointment", query.Id, appointment.ProviderId);
        var zones = await ProgramZones.OfAsync(db, [appointment.ProgramId], ct);
        return FhirResources.AppointmentOf(appointment, zones[appointment.ProgramId], settings.Value.MemberIdentifierSystem);
    }
}
