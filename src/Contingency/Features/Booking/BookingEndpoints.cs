namespace Contingency.Features.Booking;

using Contingency.Features.Providers;
using Contingency.Infrastructure;
using Contingency.Infrastructure.Security;
using Contingency.Infrastructure.Telemetry;
using Contingency.Infrastructure.OpenApi;
using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

public static class BookingEndpoints
{
    public static RouteGroupBuilder MapBooking(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/appointments").WithTags("Appointments");

        group.MapPost("/", async Task<Created<AppointmentView>> (BookBody body, [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey,
            ISender sender, CancellationToken ct) =>
        {
            var appointment = await sender.Send(Book.From(body, idempotencyKey), ct);
            return TypedResults.Created($"/api/appointments/{appointment.Id}", appointment);
        }).WithSummary("Book a member into a provider's slot").WithName("bookAppointment")
            .CountsAsBooking("book")
            .Allow(Roles.Scheduling)
            .RateLimitedPerCaller()
            .AcceptsIdempotencyKey()
            .ProducesErrors(404, "not-found") // an unknown provider: no id in the path says so
            .ProducesErrors(409, "slot-taken")
            .ProducesErrors(422, "not-a-committed-slot", "in-the-past", "modality-not-offered", "idempotency-key-reused", "program-closed");

        group.MapGet("/", async Task<Ok<Paged<AppointmentView>>> (string? programId, string? providerId, string? memberRef, string? status,
                QueryDate? from, QueryDate? to, int? page, int? pageSize, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new ListAppointments(programId, providerId, memberRef, status, from?.Value, to?.Value,
                page ?? 1, pageSize ?? 50), ct)))
            .WithSummary("Appointments by program, provider, member, status and local dates, in the order they were booked, paged")
            .WithName("listAppointments")
            .Allow(Roles.Scheduling, Roles.Provider);

        group.MapGet("/{id}", async Task<Ok<AppointmentView>> (string id, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new GetAppointment(id), ct))).WithSummary("Get an appointment").WithName("getAppointment")
            .Allow(Roles.Scheduling, Roles.Provider);

        group.MapPost("/{id}/cancel", async Task<Ok<AppointmentView>> (string id, CancelBody body, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new Cancel(id, body.Reason, body.InitiatedBy), ct)))
            .WithSummary("Cancel a booked appointment").WithName("cancelAppointment")
            .Allow(Roles.Scheduling)
            .ProducesErrors(409, "invalid-transition")
            .ProducesErrors(422, "program-closed");

        group.MapPost("/{id}/complete", async Task<Ok<AppointmentView>> (string id, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new Complete(id), ct)))
            .WithSummary("Record that the session took place").WithName("completeAppointment")
            .Allow(Roles.Scheduling, Roles.Provider)
            .ProducesErrors(409, "invalid-transition")
            .ProducesErrors(422, "program-closed");

        group.MapPost("/{id}/no-show", async Task<Ok<AppointmentView>> (string id, ISender sender, CancellationToken ct) =>
            TypedResults.Ok(await sender.Send(new NoShow(id), ct)))
            .WithSummary("Record that the member did not come").WithName("markNoShow")
            .Allow(Roles.Scheduling, Roles.Provider)
            .ProducesErrors(409, "invalid-transition")
            .ProducesErrors(422, "program-closed");

        group.MapPost("/{id}/reschedule", async Task<Created<AppointmentView>> (string id, RescheduleBody body, ISender sender, CancellationToken ct) =>
        {
            var appointment = await sender.Send(new Reschedule(id, body.ProviderId, body.Start), ct);
            return TypedResults.Created($"/api/appointments/{appointment.Id}", appointment);
        }).WithSummary("Move a booked appointment to another slot, atomically").WithName("rescheduleAppointment")
            .CountsAsBooking("reschedule")
            .Allow(Roles.Scheduling)
            .RateLimitedPerCaller()
            .ProducesErrors(409, "slot-taken", "invalid-transition")
            .ProducesErrors(422, "not-a-committed-slot", "in-the-past", "modality-not-offered", "program-closed");

        return group;
    }
}
