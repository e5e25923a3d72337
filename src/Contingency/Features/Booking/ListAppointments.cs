namespace Contingency.Features.Booking;

using Contingency.Data;
using Contingency.Data.Entities;
using Contingency.Features.Payments;
using Contingency.Features.Providers;
using Contingency.Infrastructure;
using Contingency.Infrastructure.Security;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;

/// <summary><c>from</c> and <c>to</c> are local dates of the appointments' starts, inclusive.</summary>
public sealed record ListAppointments(string? ProgramId, string? ProviderId, [property: HealthData] string? MemberRef, string? Status,
    DateOnly? From, DateOnly? To, int Page, int PageSize) : IQuery<Paged<AppointmentView>>;

public sealed class ListAppointmentsValidator : AbstractValidator<ListAppointments>
{
    public const int MaxPageSize = 500;
    private static readonly string[] Statuses = Appointment.Statuses;

    public ListAppointmentsValidator()
    {
        this.Paging(q => q.Page, q => q.PageSize, MaxPageSize);
        this.Window(q => q.From, q => q.To);
        RuleFor(q => q.Status).Must(s => s is null || Statuses.Contains(s))
            .WithMessage($"status is one of {string.Join(", ", Statuses)}.");
        RuleFor(q => q.MemberRef).MaximumLength(Appointment.MaxMemberRefLength);
    }
}

/// <summary>
/// Appointments in the order they were booked (ids are time-ordered), so a booking made while
/// someone pages lands after the rows already read, unless it was in flight as a page was read
/// (README, "Lists and exports"). Each shape has its index, walked in that order:
/// by program (ProgramId, Id), by provider (ProviderId, Id), by member (MemberRef, Id) on
/// Appointments, and the primary key when none is given; status and the date window are checked on
/// the way. A provider sees its own appointments only, whatever it asks for.
/// </summary>
public sealed class ListAppointmentsHandler(ContingencyDb db, Caller caller) : IQueryHandler<ListAppointments, Paged<AppointmentView>>
{
    public async ValueTask<Paged<AppointmentView>> Handle(ListAppointments query, CancellationToken ct)
    {
        var providerId = query.ProviderId is { Length: > 0 } asked ? asked : caller.OwnProviderId;
        if (providerId is not null)
        {
            caller.RequireVisible("provider", providerId, providerId);
            if (!await db.Providers.AnyAsync(p => p.Id == providerId, ct)) throw new NotFoundException("provider", providerId);
        }
        if (query.ProgramId is { Length: > 0 } programId && !await db.Programs.AnyAsync(p => p.Id == programId, ct))
            throw new NotFoundException("program", programId);

        var appointments = db.Appointments.AsNoTracking();
        if (query.ProgramId is { Length: > 0 }) appointments = appointments.Where(a => a.ProgramId == query.ProgramId);
        if (providerId is not null) appointments = appointments.Where(a => a.ProviderId == providerId);
        if (query.MemberRef is { Length: > 0 }) appointments = appointments.Where(a => a.MemberRef == query.MemberRef);
        if (query.Status is { Length: > 0 }) appointments = appointments.Where(a => a.Status == query.Status);
        if (query.From is { } from) appointments = appointments.Where(a => a.LocalDate >= from);
        if (query.To is { } to) appointments = appointments.Where(a => a.LocalDate <= to);

        var total = await appointments.CountAsync(ct);
        var items = await appointments.OrderBy(a => a.Id)
            .Skip((query.Page - 1) * query.PageSize).Take(query.PageSize)
            .ToListAsync(ct);
        var zones = await ProgramZones.OfAsync(db, items.Select(a => a.ProgramId), ct);
        return new Paged<AppointmentView>(items.Select(a => AppointmentView.From(a, zones[a.ProgramId])).ToList(),
            query.Page, query.PageSize, total);
    }
}
