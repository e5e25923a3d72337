namespace Contingency.Features.Fhir;

using Contingency.Data;
using Contingency.Features.Payments;
using Contingency.Infrastructure.Security;
using Hl7.Fhir.Model;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Appointment = Contingency.Data.Entities.Appointment;

/// <summary>
/// <c>GET /fhir/Appointment?practitioner=&amp;date=&amp;status=</c>, in the order booked (ids are
/// time-ordered), as <c>GET /api/appointments</c> lists them. A date compares with the start's local
/// date in the program's zone; a time with its offset, with the start itself.
/// </summary>
public sealed record SearchAppointments(FhirSearch Search) : IQuery<FhirPage>
{
    public static readonly string[] Parameters = ["practitioner", "date", "status"];
}

public sealed class SearchAppointmentsHandler(ContingencyDb db, Caller caller, IOptions<FhirSettings> settings) : IQueryHandler<SearchAppointments, FhirPage>
{
    /// <summary>FHIR's appointment statuses, and the service's statuses each one covers (none for those it never uses).</summary>
    private static readonly Dictionary<string, string[]> Statuses = new()
    {
        ["booked"] = [Appointment.Booked, Appointment.Unresolved],
        ["fulfilled"] = [Appointment.Completed],
        ["noshow"] = [Appointment.NoShow],
        ["cancelled"] = [Appointment.Cancelled, Appointment.Displaced],
        ["proposed"] = [], ["pending"] = [], ["arrived"] = [], ["checked-in"] = [], ["entered-in-error"] = [], ["waitlist"] = [],
    };

    public async ValueTask<FhirPage> Handle(SearchAppointments query, CancellationToken ct)
    {
        var search = query.Search;
        var appointments = db.Appointments.AsNoTracking();
        if (caller.OwnProviderId is { } own) appointments = appointments.Where(a => a.ProviderId == own);
        if (search.References("practitioner", "Practitioner") is { } practitioners)
            appointments = appointments.Where(a => practitioners.Contains(a.ProviderId));
        if (search.Values("status", s => Statuses.ContainsKey(s) ? s
                : throw new InvalidFieldException("status", $"status is one of {string.Join(", ", Statuses.Keys)}.")) is { } asked)
        {
            var statuses = asked.SelectMany(s => Statuses[s]).ToList();
            appointments = appointments.Where(a => statuses.Contains(a.Status));
        }
        foreach (var condition in search.Dates("date").Conditions)
            appointments = Where(appointments, condition);

        var total = await appointments.CountAsync(ct);
        var page = await appointments.OrderBy(a => a.Id).Skip(search.Offset).Take(search.Count).ToListAsync(ct);
        var zones = await ProgramZones.OfAsync(db, page.Select(a => a.ProgramId), ct);
        var system = settings.Value.MemberIdentifierSystem;
        return new FhirPage(page.Select(a => FhirResources.AppointmentOf(a, zones[a.ProgramId], system)).ToList<Resource>(),
            total, search.Offset + page.Count < total);
    }

    private static IQueryable<Appointment> Where(IQueryable<Appointment> appointments, FhirDate condition)
    {
        if (condition.Date is { } d)
            return condition.Prefix switch
            {
                "gt" => appointments.Where(a => a.LocalDate > d),
                "ge" => appointments.Where(a => a.LocalDate >= d),
                "lt" => appointments.Where(a => a.LocalDate < d),
                "le" => appointments.Where(a => a.LocalDate <= d),
                _ => appointments.Where(a => a.LocalDate == d),
            };
        var t = condition.Instant!.Value;
        return condition.Prefix switch
        {
            "gt" => appointments.Where(a => a.Start > t),
            "ge" => appointments.Where(a => a.Start >= t),
            "lt" => appointments.Where(a => a.Start < t),
            "le" => appointments.Where(a => a.Start <= t),
            _ => appointments.Where(a => a.Start == t),
        };
    }
}
